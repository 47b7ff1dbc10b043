//! The key table of docs/console.md (section "## Keys"; the README links to it) says
//! exactly what the keymap binds: the same rows, the same keys, the same descriptions, in
//! the same order.
//!
//! To print the table from the keymap (to paste into docs/console.md):
//! `cargo test --test console -- --ignored --nocapture keys::print_readme_key_table`.

use ecsnap::tui::keymap::readme_table;

/// One row of a `| Key | Where | What it does |` table.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    key: String,
    scope: String,
    desc: String,
}

impl std::fmt::Display for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` ({}): {}", self.key, self.scope, self.desc)
    }
}

/// The rows of the first table in `text` (the header and separator rows skipped).
fn table_rows(text: &str) -> Vec<Row> {
    text.lines()
        .map(str::trim)
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            assert_eq!(cells.len(), 3, "a key table row has three cells: {l}");
            Row {
                key: cells[0].trim_matches('`').to_string(),
                scope: cells[1].to_string(),
                desc: cells[2].to_string(),
            }
        })
        .collect()
}

/// The text of docs/console.md's "## Keys" section, up to the next heading.
fn readme_keys_section() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/console.md");
    let readme = std::fs::read_to_string(path).expect("docs/console.md is readable");
    let (_, rest) = readme
        .split_once("\n## Keys\n")
        .expect("docs/console.md has a `## Keys` section");
    rest.split("\n#").next().unwrap_or_default().to_string()
}

#[test]
fn readme_key_table_matches_the_keymap() {
    let readme = table_rows(&readme_keys_section());
    let keymap = table_rows(&readme_table());
    assert!(!keymap.is_empty(), "the keymap has bindings");
    let same_place = |a: &Row, b: &Row| a.key == b.key && a.scope == b.scope;
    let mut problems = Vec::new();
    for k in &keymap {
        match readme.iter().find(|r| same_place(r, k)) {
            None => problems.push(format!("missing from docs/console.md: {k}")),
            Some(r) if r.desc != k.desc => problems.push(format!(
                "different description for `{}` ({}): docs/console.md says {:?}, the keymap {:?}",
                k.key, k.scope, r.desc, k.desc
            )),
            Some(_) => {}
        }
    }
    for r in &readme {
        if !keymap.iter().any(|k| same_place(r, k)) {
            problems.push(format!("in docs/console.md but not bound: {r}"));
        }
    }
    if problems.is_empty() && readme != keymap {
        problems.push("docs/console.md's rows are in another order than the keymap's".into());
    }
    assert!(
        problems.is_empty(),
        "docs/console.md's key table and src/tui/keymap.rs differ (print the table with \
         `cargo test --test console -- --ignored --nocapture keys::print_readme_key_table`):\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_parser_reads_a_table_and_sees_a_changed_row() {
    let text = "intro\n\n| Key | Where | What it does |\n|---|---|---|\n\
                | `x/Del` | Orphans | delete them |\n| `q` | everywhere | quit |\n\nafter\n";
    let rows = table_rows(text);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].key, "x/Del");
    assert_eq!(rows[1].scope, "everywhere");
    assert_eq!(rows[1].desc, "quit");
    assert_ne!(table_rows(&text.replace("quit |", "exit |")), rows);
}

#[test]
#[ignore = "prints the key table; run it to regenerate the one in docs/console.md"]
fn print_readme_key_table() {
    print!("{}", readme_table());
}
