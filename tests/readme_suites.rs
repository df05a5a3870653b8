//! The README's default cipher-suite list must be the library's table, in order.

#[test]
fn readme_lists_the_default_suite_order() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .split("## Default cipher-suite order")
        .nth(1)
        .expect("section");
    let block = section.split("```").nth(1).expect("code block");
    let listed: Vec<String> = block
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect();
    let ours: Vec<String> = matrixssl::suites::ALL
        .iter()
        .filter(|s| {
            !matches!(
                s.id,
                0x0005
                    | 0x0004
                    | 0x0034
                    | 0x003a
                    | 0x001b
                    | 0x0018
                    | 0x0002
                    | 0x0001
                    | 0x00a2
                    | 0x00a3
                    | 0x0040
                    | 0x006a
                    | 0x0032
                    | 0x0038
            )
        })
        .map(|s| format!("0x{:04X} {}", s.id, s.name))
        .collect();
    assert_eq!(listed, ours);
}
