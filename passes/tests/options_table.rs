//! The README's option table is the declaration (`policy::OPTIONS`), row for row.

use scalify_passes::scalify::policy::OPTIONS;

/// The table as `OPTIONS` makes it: `| name | values | default | help |` (values comma-separated: a
/// `|` would split a Markdown cell).
fn table() -> String {
    let mut rows = vec!["| Option | Values | Default | What it does |".to_string(), "|---|---|---|---|".to_string()];
    for o in OPTIONS {
        let values: Vec<String> = o.values.split('|').map(|v| format!("`{v}`")).collect();
        rows.push(format!("| `{}` | {} | {} | {} |", o.name, values.join(", "), o.default, o.help));
    }
    rows.join("\n")
}

#[test]
fn the_readme_option_table_is_the_declaration() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let expected = table();
    assert!(
        readme.contains(&expected),
        "README.md's option table differs from policy::OPTIONS; it should read:\n{expected}"
    );
}
