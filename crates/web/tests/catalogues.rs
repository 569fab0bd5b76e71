//! The interface's translation catalogues: both languages have the same keys, every key
//! the templates and the interface code name exists, and no key is left unused.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// The message ids of a Fluent file (terms and attributes aside).
fn keys(lang: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join("locales").join(lang).join("main.ftl"))
        .expect("catalogue");
    text.lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once('='))
        .map(|(k, _)| k.trim().to_owned())
        .collect()
}

/// Every double-quoted literal that looks like a message id (`word-word…`).
fn literals(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('"') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('"') else { break };
        let candidate = &after[..end];
        if candidate.contains('-')
            && candidate.starts_with(|c: char| c.is_ascii_lowercase())
            && candidate
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            out.push(candidate.to_owned());
        }
        rest = &after[end + 1..];
    }
    out
}

/// The prefixes looked up with a value appended at run time: `t.e("prefix", value)`.
fn dynamic_prefixes(text: &str) -> Vec<String> {
    text.match_indices(".e(\"")
        .filter_map(|(i, m)| {
            let after = &text[i + m.len()..];
            after.find('"').map(|end| format!("{}-", &after[..end]))
        })
        .collect()
}

/// What the templates and the interface's Rust code contain, with the template tags'
/// contents only (HTML ids and classes are not message ids).
fn sources() -> (Vec<String>, Vec<String>) {
    let mut paths = Vec::new();
    files(&root().join("templates"), "html", &mut paths);
    let templates: Vec<String> = paths
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("template"))
        .map(|t| {
            let mut code = String::new();
            for piece in t.split("{{").skip(1).chain(t.split("{%").skip(1)) {
                code.push_str(piece.split(['}', '%']).next().unwrap_or(""));
                code.push('\n');
            }
            code
        })
        .collect();
    let mut paths = Vec::new();
    files(&root().join("src").join("ui"), "rs", &mut paths);
    let code = paths
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("source"))
        .collect();
    (templates, code)
}

#[test]
fn both_languages_have_the_same_keys() {
    let (es, en) = (keys("es"), keys("en"));
    let only_es: Vec<_> = es.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&es).collect();
    assert!(only_es.is_empty(), "missing in English: {only_es:?}");
    assert!(only_en.is_empty(), "missing in Spanish: {only_en:?}");
}

#[test]
fn every_key_used_exists_and_every_key_is_used() {
    let catalogue = keys("es");
    let sections: BTreeSet<String> = catalogue
        .iter()
        .filter_map(|k| k.split('-').next())
        .map(str::to_owned)
        .collect();
    let (templates, code) = sources();
    let all: Vec<&String> = templates.iter().chain(code.iter()).collect();
    let mut prefixes: Vec<String> = all.iter().flat_map(|t| dynamic_prefixes(t)).collect();
    // Use cases' error codes, looked up as `err-<code>` by `Tr::error`.
    prefixes.push("err-".into());
    let used: BTreeSet<String> = all.iter().flat_map(|t| literals(t)).collect();
    let missing: Vec<&String> = used
        .iter()
        .filter(|k| k.split('-').next().is_some_and(|s| sections.contains(s)))
        .filter(|k| !catalogue.contains(*k))
        .filter(|k| {
            !prefixes
                .iter()
                .any(|p| p.trim_end_matches('-') == k.as_str())
        })
        .collect();
    assert!(
        missing.is_empty(),
        "used but not in the catalogues: {missing:?}"
    );
    let unused: Vec<&String> = catalogue
        .iter()
        .filter(|k| !used.contains(*k))
        .filter(|k| !prefixes.iter().any(|p| k.starts_with(p.as_str())))
        .collect();
    assert!(
        unused.is_empty(),
        "in the catalogues but used nowhere: {unused:?}"
    );
}

#[test]
fn the_check_catches_a_missing_key() {
    // The scanner must see a key named in a template tag, or the tests above prove nothing.
    let found = literals(r#" c.t.s("dashboard-no-such-key") "#);
    assert_eq!(found, ["dashboard-no-such-key"]);
    assert!(!keys("es").contains("dashboard-no-such-key"));
    assert_eq!(
        dynamic_prefixes(r#"t.e("incident-type", &x)"#),
        ["incident-type-"]
    );
}
