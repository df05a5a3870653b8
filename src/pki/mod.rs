//! Public-key infrastructure: PEM, certificates, private keys, chain verification and the
//! loaders behind `matrixSslLoad*Keys*`, `matrixSslLoadPkcs12` and `matrixSslLoadDhParams*`.

pub mod certificate;
mod der;
pub mod dhparams;
mod dsa;
pub mod eckey;
pub(crate) mod keycrypt;
pub mod load;
pub mod pem;
pub mod pkcs12;
pub mod privkey;
pub mod sign;
pub mod verify;

pub use certificate::{Certificate, DistinguishedName, DnAttribute, GeneralName, PublicKey};
pub use eckey::{Curve, EcPrivateKey};
pub use privkey::PrivateKey;
