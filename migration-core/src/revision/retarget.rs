//! Pointing a revision file's references at another revision: what
//! `squash` does to the files that follow the chain it replaces.

use super::file::{DEPENDS_ON, DIRECTIVE, PARENTS, UP};

/// `contents` with every id of `replaced` in its `-- retort:parents` and
/// `-- retort:depends-on` lines changed to `baseline` (once, where several
/// were listed), in the header before the first up section. Nothing else changes, line endings included, so the up
/// section and its checksum stay as they were.
pub(crate) fn retarget_references(contents: &str, replaced: &[String], baseline: &str) -> String {
    let mut out = String::with_capacity(contents.len());
    let mut in_header = true;
    for line in contents.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let ending = &line[body.len()..];
        let key = body
            .strip_prefix(DIRECTIVE)
            .map(|rest| rest.split_once(char::is_whitespace).unwrap_or((rest, "")));
        if key.is_some_and(|(key, _)| key == UP) {
            in_header = false;
        }
        match key.filter(|_| in_header) {
            Some((key, value)) if key == PARENTS || key == DEPENDS_ON => {
                let mut ids: Vec<&str> = Vec::new();
                for id in value.split([',', ' ', '\t']).filter(|id| !id.is_empty()) {
                    let id = if replaced.iter().any(|old| old == id) {
                        baseline
                    } else {
                        id
                    };
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
                out.push_str(&format!("{DIRECTIVE}{key} {}{ending}", ids.join(" ")));
            }
            _ => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_parents_and_dependencies_change() {
        let replaced = vec!["aaaaaaaaaaaa".to_owned(), "bbbbbbbbbbbb".to_owned()];
        let contents = "-- retort:revision cccccccccccc\r\n-- retort:parents bbbbbbbbbbbb, dddddddddddd\r\n-- retort:depends-on aaaaaaaaaaaa bbbbbbbbbbbb\r\n-- retort:up\r\n-- retort:parents bbbbbbbbbbbb\r\nSELECT 'bbbbbbbbbbbb';\r\n";
        assert_eq!(
            retarget_references(contents, &replaced, "eeeeeeeeeeee"),
            "-- retort:revision cccccccccccc\r\n-- retort:parents eeeeeeeeeeee dddddddddddd\r\n-- retort:depends-on eeeeeeeeeeee\r\n-- retort:up\r\n-- retort:parents eeeeeeeeeeee\r\nSELECT 'bbbbbbbbbbbb';\r\n".replace("up\r\n-- retort:parents eeeeeeeeeeee", "up\r\n-- retort:parents bbbbbbbbbbbb")
        );
    }
}
