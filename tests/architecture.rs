//! The stages depend on each other one way only: no module of `src/`
//! reaches back into one that depends on it, `config` depends on nothing
//! of ours but the leaves, and render reads no file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level module → the top-level modules its code (tests aside) names
/// through `crate::`.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(&src).unwrap();
        let first = rel.iter().next().unwrap().to_string_lossy().into_owned();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        // Tests sit at the end of each file; they may use any stage.
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap();
        // Comments may name any stage; only code depends on one.
        let code: String = code
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let code = code.as_str();
        let uses = graph.entry(module.clone()).or_default();
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            // `crate::{a, b}` lists several.
            if name.is_empty() && rest.starts_with('{') {
                let list = &rest[1..rest.find('}').unwrap()];
                for item in list.split(',') {
                    let item = item.trim().split("::").next().unwrap().to_string();
                    if !item.is_empty() && item != module {
                        uses.insert(item);
                    }
                }
            } else if !name.is_empty() && name != module {
                uses.insert(name);
            }
        }
    }
    graph
}

/// A cycle through `from`, if there is one.
fn cycle(
    graph: &BTreeMap<String, BTreeSet<String>>,
    from: &str,
    path: &mut Vec<String>,
) -> Option<Vec<String>> {
    if let Some(at) = path.iter().position(|m| m == from) {
        let mut c = path[at..].to_vec();
        c.push(from.to_string());
        return Some(c);
    }
    path.push(from.to_string());
    for next in graph.get(from).into_iter().flatten() {
        if let Some(c) = cycle(graph, next, path) {
            return Some(c);
        }
    }
    path.pop();
    None
}

#[test]
fn modules_depend_on_each_other_one_way() {
    let graph = module_graph();
    assert!(graph.contains_key("plan") && graph.contains_key("render"));
    for module in graph.keys() {
        if let Some(c) = cycle(&graph, module, &mut Vec::new()) {
            panic!("import cycle: {}", c.join(" → "));
        }
    }
}

#[test]
fn config_depends_only_on_the_leaves() {
    let graph = module_graph();
    let leaves: BTreeSet<String> = ["error", "url"].map(String::from).into();
    assert!(
        graph["config"].is_subset(&leaves),
        "config uses {:?}",
        graph["config"]
    );
    for leaf in &leaves {
        assert!(graph[leaf].is_empty(), "{leaf} uses {:?}", graph[leaf]);
    }
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    graph.insert("a".into(), ["b".to_string()].into());
    graph.insert("b".into(), ["a".to_string()].into());
    assert_eq!(
        cycle(&graph, "a", &mut Vec::new()),
        Some(vec!["a".into(), "b".into(), "a".into()])
    );
}

#[test]
fn render_reads_no_file() {
    let render = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/render");
    for entry in walkdir::WalkDir::new(render) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap();
        for io in [
            "std::fs",
            "fs::read",
            "File::open",
            "imagesize",
            "read_to_string",
        ] {
            assert!(
                !code.contains(io),
                "{} uses {io}: render must get what it needs from the load",
                entry.path().display()
            );
        }
    }
}
