//! Public-key infrastructure: PEM, certificates, private keys, chain verification and the
//! loaders behind `matrixSslLoad*Keys*`.

pub mod certificate;
pub mod load;
pub mod pem;
pub mod privkey;
pub mod verify;

pub use certificate::{Certificate, DistinguishedName, DnAttribute, GeneralName, PublicKey};
pub use privkey::PrivateKey;
