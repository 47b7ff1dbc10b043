//! The architecture, checked: which part of `src/` may use which (docs/ARCHITECTURE.md,
//! "Who may import what"). Reads every `.rs` file under `src/`, finds every path into the
//! crate (`use crate::…` with groups and renames, `use super::…`, and paths such as
//! `crate::aws::family_of(…)` in code), resolves it to the part it lands in and fails,
//! naming file and line, when a rule forbids it.
//!
//! All code is checked, `#[cfg(test)]` modules included: a test of a pure part that needs
//! an adapter is a sign the part is not pure. Comments and string literals are ignored.
//! Paths that do not start with `crate`, `super` or `self` (std, external crates, names
//! brought in by an earlier `use`) are not followed: the `use` that brought the name in
//! is what gets checked.
//!
//! The same paths, resolved to the file they land in, make the file-level import graph of
//! `src/`: no two files may reach each other (a cycle), checked the same way.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The rules: (importing part, parts it must not use, why). `*` forbids every other part.
const RULES: &[(&str, &[&str], &str)] = &[
    (
        "analysis",
        &["aws", "load", "ops", "tui"],
        "analysis is pure: it judges data it is given",
    ),
    (
        "aws",
        &["analysis", "ops", "tui"],
        "aws fetches; judging and acting happen above it",
    ),
    (
        "model",
        &["*"],
        "model is plain data and depends on nothing else in the crate",
    ),
    (
        "tui view",
        &["aws", "load"],
        "the view draws app state; it never reads AWS",
    ),
    (
        "ops",
        &["tui"],
        "ops plans and executes for the console and the commands alike",
    ),
];

/// Known violations left on purpose, each with the reason: (file, forbidden part, why).
/// Empty today; an entry here needs a note in the report to the lead.
const ALLOWED: &[(&str, &str, &str)] = &[];

#[test]
fn parts_import_only_what_the_architecture_allows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    collect_rs_files(&root.join("src"), &mut files);
    assert!(
        files.len() > 20,
        "found only {} files under src/",
        files.len()
    );
    let mut failures = Vec::new();
    let mut paths_seen = 0;
    for file in &files {
        let rel = file
            .strip_prefix(root)
            .expect("under the manifest dir")
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(file).expect("a readable source file");
        paths_seen += crate_paths(&rel, &text).len();
        failures.extend(
            check(&rel, &text)
                .into_iter()
                .filter(|v| {
                    !ALLOWED
                        .iter()
                        .any(|(f, target, _)| *f == v.file && *target == v.target)
                })
                .map(|v| v.to_string()),
        );
    }
    // A checker that parses nothing would pass everything.
    assert!(
        paths_seen > 300,
        "only {paths_seen} paths into the crate found under src/"
    );
    assert!(
        failures.is_empty(),
        "forbidden imports (see docs/ARCHITECTURE.md):\n{}",
        failures.join("\n")
    );
}

/// Import cycles between files of `src/` known and not yet broken, each with the reason:
/// the sorted files of one cycle. An entry here needs a note in the report to the lead; an
/// entry that no longer matches a cycle fails the test (remove it).
const ALLOWED_CYCLES: &[(&[&str], &str)] = &[];

#[test]
fn no_import_cycle_between_files_of_src() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    collect_rs_files(&root.join("src"), &mut files);
    let sources: Vec<(String, String)> = files
        .iter()
        .map(|file| {
            let rel = file
                .strip_prefix(root)
                .expect("under the manifest dir")
                .to_string_lossy()
                .replace('\\', "/");
            (
                rel,
                std::fs::read_to_string(file).expect("a readable source file"),
            )
        })
        .collect();
    let graph = import_graph(&sources);
    // A graph without edges would pass everything.
    let edges: usize = graph.values().map(BTreeSet::len).sum();
    assert!(
        edges > 300,
        "only {edges} imports between files found under src/"
    );
    let found = cycles(&graph);
    let stale: Vec<String> = ALLOWED_CYCLES
        .iter()
        .filter(|(files, _)| {
            !found
                .iter()
                .any(|c| files.iter().copied().eq(c.files.iter().map(String::as_str)))
        })
        .map(|(files, _)| files.join(", "))
        .collect();
    assert!(
        stale.is_empty(),
        "ALLOWED_CYCLES lists cycles that are gone (remove them):\n{}",
        stale.join("\n")
    );
    let cycles: Vec<String> = found
        .into_iter()
        .filter(|c| {
            !ALLOWED_CYCLES
                .iter()
                .any(|(files, _)| files.iter().copied().eq(c.files.iter().map(String::as_str)))
        })
        .map(|c| c.to_string())
        .collect();
    assert!(
        cycles.is_empty(),
        "import cycles between files of src/ (move what both need into a file of its own):\n{}",
        cycles.join("\n")
    );
}

fn collect_rs_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("a readable directory")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_rs_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

// ---------------------------------------------------------------------------------------
// The checker: (path, text) in, violations out.

#[derive(Debug, Clone, PartialEq)]
struct Violation {
    file: String,
    line: usize,
    part: String,
    target: String,
    path: String,
    why: &'static str,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {} must not use {} (`{}`): {}",
            self.file, self.line, self.part, self.target, self.path, self.why
        )
    }
}

/// Checks one source file; `path` is relative to the crate root (`src/analysis/x.rs`).
fn check(path: &str, text: &str) -> Vec<Violation> {
    let part = part_of(path);
    let Some((_, forbidden, why)) = RULES.iter().find(|(p, _, _)| *p == part) else {
        return Vec::new();
    };
    let own_top = part.split(' ').next().unwrap_or_default();
    crate_paths(path, text)
        .into_iter()
        .filter_map(|(segments, line)| {
            let target = segments.first()?.clone();
            let hit =
                target != own_top && forbidden.iter().any(|f| *f == "*" || *f == target.as_str());
            hit.then(|| Violation {
                file: path.to_owned(),
                line,
                part: part.clone(),
                target,
                path: format!("crate::{}", segments.join("::")),
                why,
            })
        })
        .collect()
}

/// The file-level import graph: for each file (relative to the crate root), the other
/// files its paths into the crate land in (the file of the longest module prefix).
fn import_graph(sources: &[(String, String)]) -> BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeMap<Vec<String>, &str> = sources
        .iter()
        .map(|(path, _)| (module_of(path), path.as_str()))
        .collect();
    sources
        .iter()
        .map(|(path, text)| {
            let targets = crate_paths(path, text)
                .into_iter()
                .filter_map(|(segments, _)| {
                    (1..=segments.len())
                        .rev()
                        .find_map(|n| modules.get(&segments[..n]))
                        .map(|target| (*target).to_owned())
                })
                .filter(|target| target != path)
                .collect();
            (path.clone(), targets)
        })
        .collect()
}

/// One import cycle: the files that reach each other (sorted) and one path around.
#[derive(Debug, Clone, PartialEq)]
struct Cycle {
    files: Vec<String>,
    path: Vec<String>,
}

impl std::fmt::Display for Cycle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cycle between {}: {}",
            self.files.join(", "),
            self.path.join(" → ")
        )
    }
}

/// Every group of files that reach each other (the strongly connected components with
/// more than one file, by Tarjan's algorithm), each with one path around it.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Cycle> {
    struct Walk<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        found: Vec<Vec<String>>,
    }
    impl<'g> Walk<'g> {
        fn visit(&mut self, node: &'g str) {
            let n = self.index.len();
            self.index.insert(node, n);
            self.low.insert(node, n);
            self.stack.push(node);
            self.on_stack.insert(node);
            for next in self.graph.get(node).into_iter().flatten() {
                let next = next.as_str();
                if !self.index.contains_key(next) {
                    self.visit(next);
                    let low = self.low[node].min(self.low[next]);
                    self.low.insert(node, low);
                } else if self.on_stack.contains(next) {
                    let low = self.low[node].min(self.index[next]);
                    self.low.insert(node, low);
                }
            }
            if self.low[node] == self.index[node] {
                let mut component = Vec::new();
                while let Some(top) = self.stack.pop() {
                    self.on_stack.remove(top);
                    component.push(top.to_owned());
                    if top == node {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.found.push(component);
                }
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for node in graph.keys() {
        if !walk.index.contains_key(node.as_str()) {
            walk.visit(node);
        }
    }
    let mut found: Vec<Cycle> = walk
        .found
        .into_iter()
        .map(|files| {
            let path = path_around(graph, &files);
            Cycle { files, path }
        })
        .collect();
    found.sort_by(|a, b| a.files.cmp(&b.files));
    found
}

/// The shortest path from the first file of a component back to itself, inside it.
fn path_around(graph: &BTreeMap<String, BTreeSet<String>>, files: &[String]) -> Vec<String> {
    let start = &files[0];
    let inside: BTreeSet<&String> = files.iter().collect();
    let mut came_from: BTreeMap<&String, &String> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for next in graph.get(node).into_iter().flatten() {
            if !inside.contains(next) {
                continue;
            }
            if next == start {
                let mut back = vec![node.clone()];
                let mut at = node;
                while at != start {
                    at = came_from[at];
                    back.push(at.clone());
                }
                back.reverse();
                back.push(start.clone());
                let path = back;
                return path;
            }
            if !came_from.contains_key(next) && next != start {
                came_from.insert(next, node);
                queue.push_back(next);
            }
        }
    }
    files.to_vec()
}

/// The part a file belongs to: the first component under `src/` (`src/cache.rs` → cache),
/// with the console's view told apart (`src/tui/view/…` → "tui view").
fn part_of(path: &str) -> String {
    let components: Vec<&str> = path
        .trim_start_matches("./")
        .trim_start_matches("src/")
        .split('/')
        .collect();
    let first = components[0].trim_end_matches(".rs");
    if first == "tui" && components.get(1) == Some(&"view") {
        "tui view".to_owned()
    } else {
        first.to_owned()
    }
}

/// The module path of a file: `src/analysis/orphans.rs` → [analysis, orphans],
/// `src/analysis/mod.rs` → [analysis], `src/lib.rs` → [].
fn module_of(path: &str) -> Vec<String> {
    let rel = path.trim_start_matches("./").trim_start_matches("src/");
    let mut segments: Vec<String> = rel
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_owned)
        .collect();
    if matches!(
        segments.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        segments.pop();
    }
    segments
}

/// Every path into the crate in `text`, resolved to absolute segments (without `crate`),
/// with the line it is on.
fn crate_paths(path: &str, text: &str) -> Vec<(Vec<String>, usize)> {
    let tokens = tokenize(text);
    let file_module = module_of(path);
    // A file's own child modules (`mod x;`): `x::…` in it is `self::x::…`.
    let children: BTreeSet<String> = tokens
        .windows(3)
        .filter_map(|w| match (&w[0].kind, &w[1].kind, &w[2].kind) {
            (Tok::Ident(m), Tok::Ident(name), Tok::Punct(';')) if m == "mod" => Some(name.clone()),
            _ => None,
        })
        .collect();
    let child_path = |segments: &[String]| -> Vec<String> {
        if segments.first().is_some_and(|s| children.contains(s)) {
            std::iter::once("self".to_owned())
                .chain(segments.iter().cloned())
                .collect()
        } else {
            segments.to_vec()
        }
    };
    // Inline modules (`mod tests { … }`) open at a brace depth; `super` inside them is
    // relative to them.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut pending_mod: Option<String> = None;
    let mut depth = 0usize;
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let current = || {
            let mut m = file_module.clone();
            m.extend(inline.iter().map(|(n, _)| n.clone()));
            m
        };
        match &tokens[i].kind {
            Tok::Ident(word) if word == "use" => {
                let mut raw = Vec::new();
                i += 1;
                parse_use_tree(&tokens, &mut i, &[], &mut raw);
                while i < tokens.len() && tokens[i].kind != Tok::Punct(';') {
                    i += 1;
                }
                let module = current();
                let at_file_level = inline.is_empty();
                out.extend(raw.into_iter().filter_map(|(p, line)| {
                    let p = if at_file_level { child_path(&p) } else { p };
                    resolve(&module, &p).map(|r| (r, line))
                }));
            }
            Tok::Ident(word) if word == "mod" => {
                if let (Some(Tok::Ident(name)), Some(Tok::Punct('{'))) = (
                    tokens.get(i + 1).map(|t| &t.kind),
                    tokens.get(i + 2).map(|t| &t.kind),
                ) {
                    pending_mod = Some(name.clone());
                }
            }
            Tok::Punct('{') => {
                depth += 1;
                if let Some(name) = pending_mod.take() {
                    inline.push((name, depth));
                }
            }
            Tok::Punct('}') => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            Tok::Ident(word)
                if (matches!(word.as_str(), "crate" | "super")
                    || (inline.is_empty() && children.contains(word)))
                    && tokens.get(i + 1).map(|t| &t.kind) == Some(&Tok::PathSep)
                    && !matches!(
                        i.checked_sub(1).map(|p| &tokens[p].kind),
                        Some(Tok::PathSep | Tok::Punct('$'))
                    ) =>
            {
                let line = tokens[i].line;
                let mut segments = vec![word.clone()];
                let mut j = i + 1;
                while tokens.get(j).map(|t| &t.kind) == Some(&Tok::PathSep) {
                    match tokens.get(j + 1).map(|t| &t.kind) {
                        Some(Tok::Ident(s)) => {
                            segments.push(s.clone());
                            j += 2;
                        }
                        _ => break,
                    }
                }
                if let Some(resolved) = resolve(&current(), &child_path(&segments)) {
                    out.push((resolved, line));
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Resolves a path as written (`crate::a`, `super::super::b`, `self::c`) from `module`;
/// `None` for paths that do not start in the crate.
fn resolve(module: &[String], path: &[String]) -> Option<Vec<String>> {
    let first = path.first()?;
    let mut base: Vec<String> = match first.as_str() {
        "crate" => Vec::new(),
        "super" | "self" => module.to_vec(),
        _ => return None,
    };
    let mut rest = if first == "crate" { &path[1..] } else { path };
    while let Some(seg) = rest.first() {
        match seg.as_str() {
            "super" => {
                base.pop();
            }
            "self" => {}
            _ => break,
        }
        rest = &rest[1..];
    }
    base.extend(rest.iter().filter(|s| *s != "self").cloned());
    (!base.is_empty()).then_some(base)
}

/// Parses one use tree starting at `tokens[*i]` (`a::b`, `a::{b, c::d}`, `a::*`,
/// `a as b`), pushing each leaf's full path as written with the line it starts on.
fn parse_use_tree(
    tokens: &[Token],
    i: &mut usize,
    prefix: &[String],
    out: &mut Vec<(Vec<String>, usize)>,
) {
    let mut path = prefix.to_vec();
    let line = tokens.get(*i).map_or(0, |t| t.line);
    while let Some(token) = tokens.get(*i) {
        match &token.kind {
            Tok::Ident(s) => {
                path.push(s.clone());
                *i += 1;
                if tokens.get(*i).map(|t| &t.kind) == Some(&Tok::PathSep) {
                    *i += 1;
                    continue;
                }
                if matches!(tokens.get(*i).map(|t| &t.kind), Some(Tok::Ident(a)) if a == "as") {
                    *i += 2;
                }
                out.push((path, line));
                return;
            }
            Tok::Punct('*') => {
                *i += 1;
                out.push((path, line));
                return;
            }
            Tok::Punct('{') => {
                *i += 1;
                while let Some(t) = tokens.get(*i) {
                    match t.kind {
                        Tok::Punct('}') => {
                            *i += 1;
                            break;
                        }
                        Tok::Punct(',') => *i += 1,
                        Tok::Punct(';') => return,
                        _ => {
                            let before = *i;
                            parse_use_tree(tokens, i, &path, out);
                            if *i == before {
                                *i += 1;
                            }
                        }
                    }
                }
                return;
            }
            // A leading `::` (`use ::std::x`).
            Tok::PathSep => *i += 1,
            Tok::Punct(_) => return,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    PathSep,
    Punct(char),
}

#[derive(Debug, Clone)]
struct Token {
    kind: Tok,
    line: usize,
}

/// Identifiers, `::` and single punctuation, with line numbers; comments, string and char
/// literals are dropped (lifetimes are skipped as punctuation).
// One state machine over the characters: split, its states would be spread apart.
#[allow(
    clippy::too_many_lines,
    reason = "one tokenizer: a match over the characters of Rust source"
)]
fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let count_lines = |from: usize, to: usize, line: &mut usize| {
        *line += chars[from..to.min(chars.len())]
            .iter()
            .filter(|c| **c == '\n')
            .count();
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let start = i;
            let mut nesting = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    nesting += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    nesting -= 1;
                    i += 2;
                    if nesting == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            count_lines(start, i, &mut line);
        } else if c == '"' {
            let start = i;
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            count_lines(start, i, &mut line);
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{..}'), else a lifetime or label.
            if next == Some('\\') {
                let start = i;
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
                count_lines(start, i, &mut line);
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                tokens.push(Token {
                    kind: Tok::Punct('\''),
                    line,
                });
                i += 1;
            }
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            // Raw strings: r"…", r#"…"#, br"…", cr#"…"#.
            if matches!(word.as_str(), "r" | "br" | "cr") && matches!(chars.get(i), Some('"' | '#'))
            {
                let mut hashes = 0;
                let mut j = i;
                while chars.get(j) == Some(&'#') {
                    hashes += 1;
                    j += 1;
                }
                if chars.get(j) == Some(&'"') {
                    let start = j;
                    j += 1;
                    loop {
                        if j >= chars.len() {
                            break;
                        }
                        if chars[j] == '"'
                            && (0..hashes).all(|h| chars.get(j + 1 + h) == Some(&'#'))
                        {
                            j += 1 + hashes;
                            break;
                        }
                        j += 1;
                    }
                    count_lines(start, j, &mut line);
                    i = j;
                    continue;
                }
                // `r#ident`: a raw identifier.
                if word == "r" && hashes == 1 {
                    let start = j;
                    while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
                        j += 1;
                    }
                    tokens.push(Token {
                        kind: Tok::Ident(chars[start..j].iter().collect()),
                        line,
                    });
                    i = j;
                    continue;
                }
            }
            // A byte or C string: drop the prefix, the literal follows.
            if matches!(word.as_str(), "b" | "c") && matches!(chars.get(i), Some('"' | '\'')) {
                continue;
            }
            tokens.push(Token {
                kind: Tok::Ident(word),
                line,
            });
        } else if c == ':' && next == Some(':') {
            tokens.push(Token {
                kind: Tok::PathSep,
                line,
            });
            i += 2;
        } else {
            tokens.push(Token {
                kind: Tok::Punct(c),
                line,
            });
            i += 1;
        }
    }
    tokens
}

// ---------------------------------------------------------------------------------------
// The checker's own tests, on planted sources.

fn messages(path: &str, text: &str) -> Vec<String> {
    check(path, text).iter().map(ToString::to_string).collect()
}

/// Asserts that `found` is one message for each of `starts`, in order, each starting so.
#[track_caller]
fn assert_reports(found: &[String], starts: &[&str]) {
    assert_eq!(found.len(), starts.len(), "{found:?}");
    for (message, start) in found.iter().zip(starts) {
        assert!(
            message.starts_with(start),
            "{message:?} should start with {start:?}"
        );
    }
}

#[test]
fn a_planted_forbidden_import_is_reported_with_file_and_line() {
    let found = messages(
        "src/analysis/x.rs",
        "//! Pure.\n\nuse crate::model::Volume;\nuse crate::aws::Ec2Api;\n",
    );
    assert_reports(
        &found,
        &["src/analysis/x.rs:4: analysis must not use aws (`crate::aws::Ec2Api`)"],
    );
}

#[test]
fn groups_multi_line_uses_and_renames_are_followed() {
    let text = "use crate::{\n    model::Volume,\n    load::{self, load_orphans as lo},\n};\n\
                use crate::{error::Result, ops::guard::Mutator};\n";
    let found = messages("src/analysis/orphans.rs", text);
    assert_reports(
        &found,
        &[
            "src/analysis/orphans.rs:3: analysis must not use load (`crate::load`)",
            "src/analysis/orphans.rs:3: analysis must not use load (`crate::load::load_orphans`)",
            "src/analysis/orphans.rs:5: analysis must not use ops",
        ],
    );
}

#[test]
fn paths_in_code_and_super_out_of_the_part_are_caught() {
    // `super` from src/tui/view/x.rs stays in tui; `super::super::super` reaches the root.
    let text = "use super::table::row;\nfn f() {\n    let c = crate::aws::family_of(\"x\");\n    \
                super::super::super::load::load_orphans();\n}\n";
    let found = messages("src/tui/view/x.rs", text);
    assert_reports(
        &found,
        &[
            "src/tui/view/x.rs:3: tui view must not use aws",
            "src/tui/view/x.rs:4: tui view must not use load",
        ],
    );
    // `super` at a part's root module leaves the part.
    let found = messages("src/analysis/mod.rs", "use super::aws::Ec2Api;\n");
    assert_eq!(found.len(), 1, "{found:?}");
    // ... but not from inside an inline module of that file.
    let inline = "#[cfg(test)]\nmod tests {\n    use super::*;\n    use super::orphans::x;\n}\n";
    assert!(messages("src/analysis/mod.rs", inline).is_empty());
}

#[test]
fn comments_strings_and_allowed_parts_are_not_reported() {
    let text = "// use crate::aws::Ec2Api;\n/* crate::tui::x */\nconst S: &str = \"crate::ops::x\";\n\
                const R: &str = r#\"use crate::load::y;\"#;\nfn f<'a>(c: char) -> bool { c == '\"' }\n\
                use crate::model::Volume;\nuse crate::error::Result;\nuse std::sync::Arc;\n";
    assert!(
        messages("src/analysis/x.rs", text).is_empty(),
        "{:?}",
        messages("src/analysis/x.rs", text)
    );
    // Parts without rules, and a part's own modules.
    assert!(
        messages(
            "src/commands/x.rs",
            "use crate::aws::Ec2Api;\nuse crate::tui::run;\n"
        )
        .is_empty()
    );
    assert!(
        messages(
            "src/aws/ec2.rs",
            "use crate::aws::convert::x;\nuse super::retry;\n"
        )
        .is_empty()
    );
    // The view may use the rest of the console; the console may use aws.
    assert!(messages("src/tui/view/x.rs", "use crate::tui::state::app::App;\n").is_empty());
    assert!(messages("src/tui/effects.rs", "use crate::aws::AwsClients;\n").is_empty());
}

#[test]
fn model_may_use_nothing_else_in_the_crate() {
    let found = messages(
        "src/model/ec2.rs",
        "use super::arn_name;\nuse crate::error::Error;\nuse crate::Result;\n",
    );
    assert_reports(
        &found,
        &[
            "src/model/ec2.rs:2: model must not use error",
            "src/model/ec2.rs:3: model must not use Result",
        ],
    );
}

fn planted_cycles(sources: &[(&str, &str)]) -> Vec<String> {
    let owned: Vec<(String, String)> = sources
        .iter()
        .map(|(p, t)| ((*p).to_owned(), (*t).to_owned()))
        .collect();
    cycles(&import_graph(&owned))
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn a_planted_import_cycle_is_reported_with_its_files() {
    let sources = [
        ("src/lib.rs", "//! Root.\npub mod tui;\n"),
        ("src/tui/mod.rs", "//! Console.\nmod a;\nmod b;\nmod c;\n"),
        ("src/tui/a.rs", "//! A.\nuse super::b::B;\n"),
        ("src/tui/b.rs", "//! B.\nfn f() { crate::tui::c::g(); }\n"),
        (
            "src/tui/c.rs",
            "//! C.\nuse crate::tui::{a::A, mod_free};\n",
        ),
    ];
    let found = planted_cycles(&sources);
    assert_eq!(
        found,
        vec![
            "cycle between src/tui/a.rs, src/tui/b.rs, src/tui/c.rs: \
             src/tui/a.rs → src/tui/b.rs → src/tui/c.rs → src/tui/a.rs"
        ],
        "{found:?}"
    );
    // Break it: c uses a file of its own instead.
    let mut broken = sources.to_vec();
    broken[4] = ("src/tui/c.rs", "//! C.\nuse crate::tui::d::A;\n");
    broken.push(("src/tui/d.rs", "//! D.\npub struct A;\n"));
    assert!(planted_cycles(&broken).is_empty());
}

#[test]
fn a_parent_and_child_that_use_each_other_are_a_cycle_but_tests_inside_a_file_are_not() {
    // view/mod.rs draws with header, header uses a helper of view/mod.rs.
    let sources = [
        (
            "src/tui/view/mod.rs",
            "//! View.\nmod header;\npub fn spinner() {}\nfn d() { header::draw(); }\nuse self::header::draw;\n",
        ),
        (
            "src/tui/view/header.rs",
            "//! Header.\nuse super::spinner;\n",
        ),
        (
            "src/tui/view/footer.rs",
            "//! Footer.\n#[cfg(test)]\nmod tests {\n    use super::*;\n}\n",
        ),
    ];
    let found = planted_cycles(&sources);
    assert_reports(
        &found,
        &["cycle between src/tui/view/header.rs, src/tui/view/mod.rs:"],
    );
    // Two separate cycles are two reports.
    let two = [
        ("src/a.rs", "use crate::b::x;\n"),
        ("src/b.rs", "use crate::a::x;\n"),
        ("src/c.rs", "use crate::d::x;\n"),
        ("src/d.rs", "use crate::c::x;\n"),
        ("src/e.rs", "use crate::a::x;\n"),
    ];
    let found = planted_cycles(&two);
    assert_reports(
        &found,
        &[
            "cycle between src/a.rs, src/b.rs:",
            "cycle between src/c.rs, src/d.rs:",
        ],
    );
}
