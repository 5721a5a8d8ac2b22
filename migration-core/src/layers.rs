//! The layer check: no module of this crate names a module of a layer above
//! its own.
//!
//! Layers, bottom up: `schema` (and `redact`) know no database; `backend`
//! knows each database's dialect, catalog queries and version table;
//! `introspect` and `diff` read and compare schemas; `render` writes a diff
//! as SQL; `revision` reads migration files; `runner` applies them;
//! `autogen`, `lint` and `squash` use all of that. A module may name modules of lower
//! layers only: two modules of one layer do not name each other either.
//!
//! The check reads the sources: every `crate::` path (groups included) and
//! every `super::` path that leaves its top module, outside comments and
//! string literals. `cargo test -p retort-core --lib layers -- --nocapture`
//! prints the references between modules it counted.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Each top module's layer, lowest first. The crate root (`lib.rs`) is above
/// everything: it only re-exports.
const LAYERS: &[(&str, usize)] = &[
    ("schema", 0),
    ("redact", 0),
    ("backend", 1),
    ("query", 1),
    ("scenarios", 1),
    ("introspect", 2),
    ("diff", 2),
    ("render", 3),
    ("revision", 4),
    ("runner", 5),
    ("autogen", 6),
    ("lint", 6),
    ("squash", 6),
    ("lib", 7),
];

fn layer(module: &str) -> Option<usize> {
    LAYERS
        .iter()
        .find(|(name, _)| *name == module)
        .map(|(_, layer)| *layer)
}

/// One source file: its module path and its code without comments and
/// literals.
struct Source {
    file: PathBuf,
    module: Vec<String>,
    code: String,
}

fn sources(dir: &Path, root: &Path, out: &mut Vec<Source>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()))
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<Result<_, _>>()
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()));
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sources(&path, root, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            let mut module: Vec<String> = relative
                .with_extension("")
                .components()
                .map(|part| part.as_os_str().to_string_lossy().into_owned())
                .collect();
            if module
                .last()
                .is_some_and(|last| last == "mod" || last == "lib")
            {
                module.pop();
            }
            let text = fs::read_to_string(&path)
                .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
            out.push(Source {
                file: relative.to_path_buf(),
                module,
                code: code_only(&text),
            });
        }
    }
}

/// `text` with comments, string and character literals blanked out (their
/// line breaks kept, so line numbers stay).
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let blank = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    while at < chars.len() {
        let ch = chars[at];
        let next = chars.get(at + 1).copied();
        if ch == '/' && next == Some('/') {
            while at < chars.len() && chars[at] != '\n' {
                at += 1;
            }
        } else if ch == '/' && next == Some('*') {
            let mut depth = 0;
            while at < chars.len() {
                if chars[at] == '/' && chars.get(at + 1) == Some(&'*') {
                    depth += 1;
                    at += 2;
                } else if chars[at] == '*' && chars.get(at + 1) == Some(&'/') {
                    depth -= 1;
                    at += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, chars[at]);
                    at += 1;
                }
            }
        } else if ch == 'r'
            && (next == Some('"') || next == Some('#'))
            && !chars[..at]
                .last()
                .is_some_and(|c| c.is_alphanumeric() || *c == '_')
        {
            // A raw string: r"...", r#"..."#.
            let mut hashes = 0;
            let mut start = at + 1;
            while chars.get(start) == Some(&'#') {
                hashes += 1;
                start += 1;
            }
            if chars.get(start) != Some(&'"') {
                out.push(ch);
                at += 1;
                continue;
            }
            at = start + 1;
            while at < chars.len() {
                if chars[at] == '"' && (1..=hashes).all(|k| chars.get(at + k) == Some(&'#')) {
                    at += 1 + hashes;
                    break;
                }
                blank(&mut out, chars[at]);
                at += 1;
            }
        } else if ch == '"' {
            at += 1;
            while at < chars.len() && chars[at] != '"' {
                if chars[at] == '\\' {
                    blank(&mut out, chars[at]);
                    at += 1;
                }
                if at < chars.len() {
                    blank(&mut out, chars[at]);
                }
                at += 1;
            }
            at += 1;
        } else if ch == '\'' {
            // A character literal ('a', '\n', '\u{..}'), or a lifetime.
            let close = if next == Some('\\') {
                (at + 2..chars.len().min(at + 12)).find(|&k| chars[k] == '\'')
            } else if chars.get(at + 2) == Some(&'\'') {
                Some(at + 2)
            } else {
                None
            };
            match close {
                Some(close) => at = close + 1,
                None => {
                    out.push(ch);
                    at += 1;
                }
            }
        } else {
            out.push(ch);
            at += 1;
        }
    }
    out
}

fn is_ident(ch: char) -> bool {
    ch.is_alphanumeric() || ch == '_'
}

/// The identifier at the start of `text`, after whitespace.
fn ident_at(text: &str) -> Option<&str> {
    let text = text.trim_start();
    let end = text.find(|ch: char| !is_ident(ch)).unwrap_or(text.len());
    (end > 0).then(|| &text[..end])
}

/// The first names of the items of the `{ ... }` group `text` starts with.
fn group_heads(text: &str) -> Vec<String> {
    let text = text.trim_start();
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut item_start = true;
    for (at, ch) in text.char_indices() {
        match ch {
            '{' => {
                depth += 1;
                if depth == 1 {
                    item_start = true;
                    continue;
                }
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => {
                item_start = true;
                continue;
            }
            _ => {}
        }
        if depth == 1 && item_start && !ch.is_whitespace() {
            item_start = false;
            if let Some(head) = ident_at(&text[at..]) {
                heads.push(head.to_owned());
            }
        }
    }
    heads
}

/// The names the crate root re-exports or defines, by the top module they
/// come from (`lib` for what lib.rs defines itself).
fn root_names(lib: &str) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for statement in lib.split(';') {
        let statement = statement.trim();
        let Some(start) = statement.find("pub use ") else {
            if let Some(rest) = statement
                .strip_prefix("pub const ")
                .or_else(|| statement.strip_prefix("pub static "))
                .or_else(|| statement.strip_prefix("pub fn "))
            {
                if let Some(name) = ident_at(rest) {
                    names.insert(name.to_owned(), "lib".to_owned());
                }
            }
            continue;
        };
        let path = &statement[start + "pub use ".len()..];
        let Some(module) = ident_at(path) else {
            continue;
        };
        let rest = &path[module.len()..];
        let last = rest.rsplit("::").next().unwrap_or(rest);
        if last.trim_start().starts_with('{') {
            for name in group_heads(last) {
                names.insert(name, module.to_owned());
            }
        } else if let Some(name) = ident_at(last) {
            names.insert(name.to_owned(), module.to_owned());
        }
    }
    names
}

/// A reference from one file to another top module.
#[derive(Debug)]
struct Reference {
    file: PathBuf,
    line: usize,
    from: String,
    to: String,
}

fn references(sources: &[Source], roots: &BTreeMap<String, String>) -> Vec<Reference> {
    let tops: Vec<String> = sources
        .iter()
        .filter_map(|source| source.module.first().cloned())
        .collect();
    let top_of = |name: &str| -> Option<String> {
        if tops.iter().any(|top| top == name) {
            Some(name.to_owned())
        } else {
            roots.get(name).cloned()
        }
    };
    let mut found = Vec::new();
    for source in sources {
        let from = source
            .module
            .first()
            .cloned()
            .unwrap_or_else(|| "lib".to_owned());
        if from == "lib" || from == "layers" {
            continue;
        }
        let code = &source.code;
        let mut push = |at: usize, to: String| {
            if to != from {
                found.push(Reference {
                    file: source.file.clone(),
                    line: code[..at].matches('\n').count() + 1,
                    from: from.clone(),
                    to,
                });
            }
        };
        for (at, _) in code.match_indices("crate::") {
            let before = code[..at].chars().last();
            if before.is_some_and(|ch| is_ident(ch) || ch == '$') {
                continue;
            }
            let rest = &code[at + "crate::".len()..];
            if rest.trim_start().starts_with('{') {
                for head in group_heads(rest) {
                    if let Some(to) = top_of(&head) {
                        push(at, to);
                    }
                }
            } else if let Some(head) = ident_at(rest) {
                if let Some(to) = top_of(head) {
                    push(at, to);
                }
            }
        }
        // `super::` chains that climb to the crate root.
        for (at, _) in code.match_indices("super::") {
            let before = code[..at].chars().last();
            if before.is_some_and(|ch| is_ident(ch) || ch == ':') {
                continue;
            }
            let mut rest = &code[at..];
            let mut climbs = 0;
            while let Some(after) = rest.strip_prefix("super::") {
                climbs += 1;
                rest = after;
            }
            // A file's own module counts as one level below its parent.
            let depth = source.module.len();
            if climbs >= depth {
                if let Some(head) = ident_at(rest) {
                    if let Some(to) = top_of(head) {
                        push(at, to);
                    }
                }
            }
        }
    }
    found
}

#[test]
fn no_module_names_a_layer_above_its_own() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    sources(&root, &root, &mut all);
    let lib = all
        .iter()
        .find(|source| source.module.is_empty())
        .map(|source| source.code.clone())
        .unwrap_or_default();
    let refs = references(&all, &root_names(&lib));

    let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
    for reference in &refs {
        *counts
            .entry((reference.from.clone(), reference.to.clone()))
            .or_default() += 1;
    }
    let mut upward = Vec::new();
    let mut unknown = Vec::new();
    for reference in &refs {
        match (layer(&reference.from), layer(&reference.to)) {
            (Some(from), Some(to)) if to < from => {}
            (Some(_), Some(_)) => upward.push(reference),
            _ => unknown.push(reference),
        }
    }
    println!("references between top modules (from -> to: count):");
    for ((from, to), count) in &counts {
        let mark = match (layer(from), layer(to)) {
            (Some(f), Some(t)) if t < f => "",
            _ => "  <- not below",
        };
        println!("  {from} -> {to}: {count}{mark}");
    }
    println!(
        "{} references, {} to a module not below",
        refs.len(),
        upward.len() + unknown.len()
    );
    let listed: Vec<String> = upward
        .iter()
        .chain(&unknown)
        .map(|r| format!("{}:{}: {} names {}", r.file.display(), r.line, r.from, r.to))
        .collect();
    assert!(
        listed.is_empty(),
        "modules name modules of their own layer or above (layers: {LAYERS:?}):\n{}",
        listed.join("\n")
    );
}

#[test]
fn the_reader_skips_comments_and_literals() {
    let code =
        code_only("a // crate::x\n\"crate::y\" r#\"crate::z\"# 'c' '\\'' b::<'a> /* crate::w */ d");
    assert!(!code.contains("crate::"), "{code}");
    assert!(code.contains("b::<'a>"), "{code}");
    assert!(code.starts_with("a "), "{code}");
    assert_eq!(group_heads("{a::b, c, d::{e, f}} x"), ["a", "c", "d"]);
    let roots = root_names("pub use diff::{diff, Diff}; pub const VERSION_TABLE: &str = \"x\";");
    assert_eq!(roots.get("Diff").map(String::as_str), Some("diff"));
    assert_eq!(roots.get("VERSION_TABLE").map(String::as_str), Some("lib"));
}
