//! The revision graph: parents, children, heads, topological order, and the
//! plans that targets resolve to.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use super::error::RevisionError;
use super::file::Revision;
use crate::backend::BackendKind;

/// The revisions of a migrations directory in topological order (parents
/// before children; files in name order where the graph leaves a choice).
#[derive(Debug)]
pub struct RevisionGraph {
    revisions: Vec<Revision>,
    index: HashMap<String, usize>,
    parents: Vec<Vec<usize>>,
    children: Vec<Vec<usize>>,
    /// The revisions each one depends on (`-- retort:depends-on`), and
    /// those that depend on each: followed like parents and children when
    /// planning, never when finding heads.
    requires: Vec<Vec<usize>>,
    dependents: Vec<Vec<usize>>,
    /// Each branch label and the revision giving it.
    labels: HashMap<String, usize>,
    heads: Vec<usize>,
    /// Each revision a baseline replaces (`-- retort:replaces`), and the
    /// baseline.
    replaced: HashMap<String, usize>,
}

/// Which way [`RevisionGraph::walk`] goes.
#[derive(Clone, Copy)]
enum Walk {
    Up,
    Down,
}

/// What a target string means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// The single head.
    Head,
    /// Every head.
    Heads,
    /// Before the first revision.
    Base,
    /// `+N` (positive) or `-N` (negative) revisions from where the database is.
    Relative(i64),
    /// One revision, by position in the graph's order.
    Revision(usize),
}

impl RevisionGraph {
    /// Builds the graph from revisions in file-name order, checking for
    /// duplicate ids, unknown parents and cycles.
    pub fn new(files: Vec<Revision>) -> Result<RevisionGraph, RevisionError> {
        let mut position: HashMap<&str, usize> = HashMap::with_capacity(files.len());
        for (at, revision) in files.iter().enumerate() {
            if let Some(&first) = position.get(revision.id.as_str()) {
                return Err(RevisionError::DuplicateRevision {
                    revision: revision.id.clone(),
                    first: files[first].file_name.clone(),
                    second: revision.file_name.clone(),
                });
            }
            position.insert(&revision.id, at);
        }
        let mut waiting_on = vec![0usize; files.len()];
        let mut children_of: Vec<Vec<usize>> = vec![Vec::new(); files.len()];
        for (at, revision) in files.iter().enumerate() {
            for parent in &revision.parents {
                let Some(&parent_at) = position.get(parent.as_str()) else {
                    return Err(RevisionError::UnknownParent {
                        revision: revision.id.clone(),
                        file: revision.file_name.clone(),
                        parent: parent.clone(),
                    });
                };
                waiting_on[at] += 1;
                children_of[parent_at].push(at);
            }
            for dependency in &revision.depends_on {
                let Some(&dependency_at) = position.get(dependency.as_str()) else {
                    return Err(RevisionError::UnknownDependency {
                        revision: revision.id.clone(),
                        file: revision.file_name.clone(),
                        dependency: dependency.clone(),
                    });
                };
                waiting_on[at] += 1;
                children_of[dependency_at].push(at);
            }
        }
        // Kahn's algorithm; the heap picks the earliest file among the ready.
        let mut ready: BinaryHeap<Reverse<usize>> = (0..files.len())
            .filter(|&at| waiting_on[at] == 0)
            .map(Reverse)
            .collect();
        let mut order = Vec::with_capacity(files.len());
        while let Some(Reverse(at)) = ready.pop() {
            order.push(at);
            for &child in &children_of[at] {
                waiting_on[child] -= 1;
                if waiting_on[child] == 0 {
                    ready.push(Reverse(child));
                }
            }
        }
        if order.len() < files.len() {
            let revisions = (0..files.len())
                .filter(|&at| waiting_on[at] > 0)
                .map(|at| files[at].id.clone())
                .collect();
            return Err(RevisionError::Cycle { revisions });
        }

        let mut slots: Vec<Option<Revision>> = files.into_iter().map(Some).collect();
        let revisions: Vec<Revision> = order
            .iter()
            .filter_map(|&old_at| slots[old_at].take())
            .collect();
        let index: HashMap<String, usize> = revisions
            .iter()
            .enumerate()
            .map(|(at, revision)| (revision.id.clone(), at))
            .collect();
        let parents: Vec<Vec<usize>> = revisions
            .iter()
            .map(|revision| {
                revision
                    .parents
                    .iter()
                    .filter_map(|p| index.get(p).copied())
                    .collect()
            })
            .collect();
        let mut children = vec![Vec::new(); revisions.len()];
        for (at, list) in parents.iter().enumerate() {
            for &parent in list {
                children[parent].push(at);
            }
        }
        let requires: Vec<Vec<usize>> = revisions
            .iter()
            .map(|revision| {
                revision
                    .depends_on
                    .iter()
                    .filter_map(|d| index.get(d).copied())
                    .collect()
            })
            .collect();
        let mut dependents = vec![Vec::new(); revisions.len()];
        for (at, list) in requires.iter().enumerate() {
            for &dependency in list {
                dependents[dependency].push(at);
            }
        }
        let mut labels: HashMap<String, usize> = HashMap::new();
        for (at, revision) in revisions.iter().enumerate() {
            for label in &revision.branch_labels {
                if let Some(&first) = labels.get(label) {
                    return Err(RevisionError::DuplicateBranchLabel {
                        label: label.clone(),
                        first: revisions[first].id.clone(),
                        second: revision.id.clone(),
                    });
                }
                labels.insert(label.clone(), at);
            }
        }
        let mut replaced: HashMap<String, usize> = HashMap::new();
        for (at, revision) in revisions.iter().enumerate() {
            for id in &revision.replaces {
                let other = if let Some(&declared) = index.get(id) {
                    format!("file {} declares it", revisions[declared].file_name)
                } else if let Some(&first) = replaced.get(id) {
                    format!("baseline {} replaces it too", revisions[first].id)
                } else {
                    replaced.insert(id.clone(), at);
                    continue;
                };
                return Err(RevisionError::StillReplaced {
                    revision: id.clone(),
                    baseline: revision.id.clone(),
                    file: revision.file_name.clone(),
                    other,
                });
            }
        }
        let heads = (0..revisions.len())
            .filter(|&at| children[at].is_empty())
            .collect();
        Ok(RevisionGraph {
            revisions,
            index,
            parents,
            children,
            requires,
            dependents,
            labels,
            heads,
            replaced,
        })
    }

    /// Every revision, parents before children.
    pub fn revisions(&self) -> &[Revision] {
        &self.revisions
    }

    /// The revision at a position in the order.
    pub(crate) fn at(&self, at: usize) -> &Revision {
        &self.revisions[at]
    }

    /// The position of a revision id, if a file declares it.
    pub(crate) fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The position of the baseline that replaces revision `id`, if one
    /// does.
    pub(crate) fn replaced_by(&self, id: &str) -> Option<usize> {
        self.replaced.get(id).copied()
    }

    /// The heads: revisions no other revision follows, in order.
    pub fn heads(&self) -> Vec<&str> {
        self.heads
            .iter()
            .map(|&at| self.revisions[at].id.as_str())
            .collect()
    }

    /// The heads that no revision depends on: what `heads` shows when
    /// dependencies count as parents (Alembic's `--resolve-dependencies`).
    pub fn heads_resolving_dependencies(&self) -> Vec<&str> {
        self.heads
            .iter()
            .filter(|&&at| self.dependents[at].is_empty())
            .map(|&at| self.revisions[at].id.as_str())
            .collect()
    }

    /// The branch labels `revision` is under: its own and those of the
    /// revisions it descends from, nearest first. Empty for an unknown id.
    pub fn branch_labels_of(&self, revision: &str) -> Vec<&str> {
        let Some(at) = self.position(revision) else {
            return Vec::new();
        };
        let mut marks = vec![false; self.revisions.len()];
        marks[at] = true;
        self.walk(at, &mut marks, Walk::Up, false);
        (0..self.revisions.len())
            .rev()
            .filter(|&at| marks[at])
            .flat_map(|at| self.revisions[at].branch_labels.iter().map(String::as_str))
            .collect()
    }

    /// The revision a full id, a branch label, `REV@head` or `LABEL@head`
    /// (the one head descending from it), or a unique id prefix names.
    ///
    /// # Errors
    ///
    /// [`RevisionError::UnknownTarget`] when no id starts with it,
    /// [`RevisionError::AmbiguousTarget`] when several do.
    pub fn find(&self, id_or_prefix: &str) -> Result<&Revision, RevisionError> {
        self.resolve_revision(id_or_prefix.trim())
            .map(|at| &self.revisions[at])
    }

    /// The revisions that follow `revision` directly, in order: two or more
    /// at a branch point. Empty for a head or an unknown id.
    pub fn children(&self, revision: &str) -> Vec<&Revision> {
        self.position(revision)
            .map(|at| {
                self.children[at]
                    .iter()
                    .map(|&child| &self.revisions[child])
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The revisions from `lower` to `upper`, both included, in order: those
    /// that are `lower` or descend from it (every revision when `None`) and
    /// that are `upper` or that `upper` descends from (every revision when
    /// `None`). Each end is a full id or a unique prefix.
    ///
    /// # Errors
    ///
    /// As for [`RevisionGraph::find`], for either end.
    pub fn range(
        &self,
        lower: Option<&str>,
        upper: Option<&str>,
    ) -> Result<Vec<&Revision>, RevisionError> {
        let everything = vec![true; self.revisions.len()];
        let after_lower = match lower {
            None => everything.clone(),
            Some(lower) => {
                let at = self.resolve_revision(lower.trim())?;
                let mut marks = vec![false; self.revisions.len()];
                marks[at] = true;
                self.mark_descendants(at, &mut marks);
                marks
            }
        };
        let before_upper = match upper {
            None => everything,
            Some(upper) => {
                let at = self.resolve_revision(upper.trim())?;
                let mut marks = vec![false; self.revisions.len()];
                self.mark_ancestors(at, &mut marks);
                marks
            }
        };
        Ok((0..self.revisions.len())
            .filter(|&at| after_lower[at] && before_upper[at])
            .map(|at| &self.revisions[at])
            .collect())
    }

    /// Reads a target: `head`, `heads`, `base`, `+N`, `-N`, a full id or a
    /// unique prefix, or one of those revisions followed by `+N` or `-N`.
    pub(crate) fn parse_target(&self, target: &str) -> Result<Target, RevisionError> {
        let trimmed = target.trim();
        match trimmed {
            "head" => return Ok(Target::Head),
            "heads" => return Ok(Target::Heads),
            "base" => return Ok(Target::Base),
            _ => {}
        }
        if let Some(sign) = trimmed.chars().next().filter(|c| *c == '+' || *c == '-') {
            let count: i64 = trimmed[1..]
                .parse()
                .ok()
                .filter(|count| *count > 0)
                .ok_or_else(|| RevisionError::InvalidTarget {
                    target: target.to_owned(),
                    operation: "move by a number of revisions",
                    expected: "+N or -N with N a positive whole number",
                })?;
            return Ok(Target::Relative(if sign == '+' { count } else { -count }));
        }
        // `ae10-1`, `audit-v2-1`, `audit@head-1`: the last sign followed by
        // digits; a label with a `-` in it (`audit-v2`) is no offset.
        let offset_at = trimmed.rfind(['+', '-']).filter(|&at| at > 0);
        if let Some(sign_at) = offset_at {
            let digits = &trimmed[sign_at + 1..];
            let is_count = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
            let names_revision = self.labels.contains_key(trimmed) || trimmed.contains('@');
            if is_count || !names_revision {
                return self.relative_to_revision(target, &trimmed[..sign_at], &trimmed[sign_at..]);
            }
        }
        self.resolve_revision(trimmed).map(Target::Revision)
    }

    /// A target relative to a revision, as Alembic has them: `ae10-1` is
    /// ae10's parent, `ae10+2` the revision two after it (`head-1` counts
    /// from the single head). The walk must not branch: a merge has no one
    /// parent, a branch point no one child. One step back from a root is
    /// base.
    fn relative_to_revision(
        &self,
        target: &str,
        base: &str,
        offset: &str,
    ) -> Result<Target, RevisionError> {
        let count: usize = offset[1..]
            .parse()
            .ok()
            .filter(|count| *count > 0)
            .ok_or_else(|| RevisionError::InvalidTarget {
                target: target.to_owned(),
                operation: "move from a revision",
                expected: "REV+N or REV-N with N a positive whole number (e.g. ae10-1)",
            })?;
        let mut at = match base {
            "head" => self
                .single_head()?
                .ok_or_else(|| RevisionError::UnknownTarget {
                    target: target.to_owned(),
                })?,
            _ => self.resolve_revision(base)?,
        };
        let forward = offset.starts_with('+');
        for taken in 0..count {
            let next = if forward {
                &self.children[at]
            } else {
                &self.parents[at]
            };
            at = match next.as_slice() {
                [only] => *only,
                [] if !forward && taken + 1 == count => return Ok(Target::Base),
                [] => {
                    return Err(RevisionError::RelativeOutOfRange {
                        target: target.to_owned(),
                        operation: if forward {
                            "go forward to"
                        } else {
                            "go back to"
                        },
                        available: taken + usize::from(!forward),
                    })
                }
                several => {
                    return Err(RevisionError::BranchedTarget {
                        target: target.to_owned(),
                        revision: self.revisions[at].id.clone(),
                        relation: if forward { "children" } else { "parents" },
                        candidates: several
                            .iter()
                            .map(|&at| self.revisions[at].id.clone())
                            .collect(),
                    })
                }
            };
        }
        Ok(Target::Revision(at))
    }

    /// The position of a full id or unique id prefix.
    pub(crate) fn resolve_revision(&self, target: &str) -> Result<usize, RevisionError> {
        if let Some(at) = self.position(target) {
            return Ok(at);
        }
        if let Some((branch, "head")) = target.rsplit_once('@') {
            let from = self.resolve_revision(branch)?;
            let mut marks = vec![false; self.revisions.len()];
            self.walk(from, &mut marks, Walk::Down, false);
            marks[from] = true;
            let heads: Vec<usize> = self.heads.iter().copied().filter(|&at| marks[at]).collect();
            return match heads.as_slice() {
                [only] => Ok(*only),
                many => Err(RevisionError::BranchHasSeveralHeads {
                    target: target.to_owned(),
                    heads: many
                        .iter()
                        .map(|&at| self.revisions[at].id.clone())
                        .collect(),
                }),
            };
        }
        if let Some(&at) = self.labels.get(target) {
            return Ok(at);
        }
        let candidates: Vec<usize> = if target.is_empty() {
            Vec::new()
        } else {
            (0..self.revisions.len())
                .filter(|&at| self.revisions[at].id.starts_with(target))
                .collect()
        };
        match candidates.as_slice() {
            [] => Err(RevisionError::UnknownTarget {
                target: target.to_owned(),
            }),
            [only] => Ok(*only),
            many => Err(RevisionError::AmbiguousTarget {
                target: target.to_owned(),
                candidates: many
                    .iter()
                    .map(|&at| self.revisions[at].id.clone())
                    .collect(),
            }),
        }
    }

    /// The single head, or an error naming every head.
    pub(crate) fn single_head(&self) -> Result<Option<usize>, RevisionError> {
        match self.heads.as_slice() {
            [] => Ok(None),
            [head] => Ok(Some(*head)),
            many => Err(RevisionError::MultipleHeads {
                heads: many
                    .iter()
                    .map(|&at| self.revisions[at].id.clone())
                    .collect(),
            }),
        }
    }

    /// Marks `at` and every revision it descends from or depends on,
    /// however indirectly: what must be applied for `at` to be.
    fn mark_ancestors(&self, at: usize, marks: &mut [bool]) {
        marks[at] = true;
        self.walk(at, marks, Walk::Up, true);
    }

    /// Marks every revision that descends from `at` or depends on it,
    /// however indirectly, not `at` itself: what must be reverted before
    /// `at` can be.
    fn mark_descendants(&self, at: usize, marks: &mut [bool]) {
        self.walk(at, marks, Walk::Down, true);
    }

    /// Marks the revisions reached from `at` (not `at` itself) by parents
    /// (`Up`) or children (`Down`), and by dependencies when asked.
    fn walk(&self, at: usize, marks: &mut [bool], direction: Walk, dependencies: bool) {
        let next = |at: usize| -> Vec<usize> {
            let (links, extra) = match direction {
                Walk::Up => (&self.parents[at], &self.requires[at]),
                Walk::Down => (&self.children[at], &self.dependents[at]),
            };
            let mut next = links.clone();
            if dependencies {
                next.extend(extra);
            }
            next
        };
        let mut stack = next(at);
        while let Some(at) = stack.pop() {
            if !marks[at] {
                marks[at] = true;
                stack.extend(next(at));
            }
        }
    }

    /// The revisions to apply, in order, to bring a database where `applied`
    /// holds to `target`.
    pub(crate) fn upgrade_plan(
        &self,
        applied: &[bool],
        target: &str,
    ) -> Result<Vec<usize>, RevisionError> {
        let wanted: Vec<bool> = match self.parse_target(target)? {
            Target::Base => return Ok(Vec::new()),
            Target::Heads => vec![true; self.revisions.len()],
            Target::Head => {
                let mut marks = vec![false; self.revisions.len()];
                if let Some(head) = self.single_head()? {
                    self.mark_ancestors(head, &mut marks);
                }
                marks
            }
            Target::Revision(at) => {
                let mut marks = vec![false; self.revisions.len()];
                self.mark_ancestors(at, &mut marks);
                marks
            }
            Target::Relative(count) if count > 0 => {
                let pending: Vec<usize> = (0..self.revisions.len())
                    .filter(|&at| !applied[at])
                    .collect();
                let count = usize::try_from(count).unwrap_or(usize::MAX);
                if count > pending.len() {
                    return Err(RevisionError::RelativeOutOfRange {
                        target: target.to_owned(),
                        operation: "upgrade",
                        available: pending.len(),
                    });
                }
                return Ok(pending[..count].to_vec());
            }
            Target::Relative(_) => {
                return Err(RevisionError::InvalidTarget {
                    target: target.to_owned(),
                    operation: "upgrade",
                    expected: "head, heads, +N or a revision (downgrade takes -N)",
                })
            }
        };
        Ok((0..self.revisions.len())
            .filter(|&at| wanted[at] && !applied[at])
            .collect())
    }

    /// The revisions to revert, in order (children first), to bring a
    /// database where `applied` holds back to `target`.
    pub(crate) fn downgrade_plan(
        &self,
        applied: &[bool],
        target: &str,
    ) -> Result<Vec<usize>, RevisionError> {
        let applied_desc = (0..self.revisions.len()).rev().filter(|&at| applied[at]);
        let plan: Vec<usize> = match self.parse_target(target)? {
            Target::Base => applied_desc.collect(),
            Target::Revision(at) => {
                let mut marks = vec![false; self.revisions.len()];
                self.mark_descendants(at, &mut marks);
                applied_desc.filter(|&at| marks[at]).collect()
            }
            Target::Relative(count) if count < 0 => {
                let all: Vec<usize> = applied_desc.collect();
                let count = usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX);
                if count > all.len() {
                    return Err(RevisionError::RelativeOutOfRange {
                        target: target.to_owned(),
                        operation: "downgrade",
                        available: all.len(),
                    });
                }
                all[..count].to_vec()
            }
            Target::Head | Target::Heads | Target::Relative(_) => {
                return Err(RevisionError::InvalidTarget {
                    target: target.to_owned(),
                    operation: "downgrade",
                    expected: "base, -N or a revision (upgrade takes head, heads and +N)",
                })
            }
        };
        for &at in &plan {
            if !self.revisions[at].can_be_reverted() {
                return Err(RevisionError::Irreversible {
                    revision: self.revisions[at].id.clone(),
                    file: self.revisions[at].file_name.clone(),
                });
            }
        }
        Ok(plan)
    }

    /// Checks that every revision of `plan` has SQL `backend` runs, and a
    /// down section for it when `downgrade`: the runner and the offline
    /// script refuse a plan this way before they touch anything.
    pub(crate) fn check_runs_on(
        &self,
        plan: &[usize],
        backend: BackendKind,
        downgrade: bool,
    ) -> Result<(), RevisionError> {
        for &at in plan {
            let revision = &self.revisions[at];
            if !revision.runs_on(backend) {
                return Err(RevisionError::NoSqlForBackend {
                    revision: revision.id.clone(),
                    file: revision.file_name.clone(),
                    backend: backend.display_name().to_owned(),
                    label: backend.label().to_owned(),
                    has: revision
                        .backends()
                        .iter()
                        .map(|kind| kind.display_name().to_owned())
                        .collect(),
                });
            }
            if downgrade && revision.down_sql_for(backend).is_none() {
                return Err(RevisionError::Irreversible {
                    revision: revision.id.clone(),
                    file: revision.file_name.clone(),
                });
            }
        }
        Ok(())
    }

    /// The applied set a stamp to `target` leaves: the target revisions and
    /// everything they descend from.
    pub(crate) fn stamp_set(&self, target: &str) -> Result<Vec<bool>, RevisionError> {
        let mut marks = vec![false; self.revisions.len()];
        match self.parse_target(target)? {
            Target::Base => {}
            Target::Heads => marks.iter_mut().for_each(|mark| *mark = true),
            Target::Head => {
                if let Some(head) = self.single_head()? {
                    self.mark_ancestors(head, &mut marks);
                }
            }
            Target::Revision(at) => self.mark_ancestors(at, &mut marks),
            Target::Relative(_) => {
                return Err(RevisionError::InvalidTarget {
                    target: target.to_owned(),
                    operation: "stamp",
                    expected: "head, heads, base or a revision",
                })
            }
        }
        Ok(marks)
    }

    /// The applied revisions that no applied revision follows, in order.
    pub(crate) fn applied_heads(&self, applied: &[bool]) -> Vec<usize> {
        (0..self.revisions.len())
            .filter(|&at| applied[at] && !self.children[at].iter().any(|&child| applied[child]))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::revision::file::parse_revision;

    fn revision(id: &str, parents: &[&str], stamp: u32) -> Revision {
        let name = format!("20240101{stamp:06}_{id}_r.sql");
        parse_revision(
            &name,
            &format!(
                "-- retort:revision {id}\n-- retort:parents {}\n-- retort:up\nSELECT 1;\n-- retort:down\nSELECT 2;\n",
                parents.join(" ")
            ),
        )
        .unwrap()
    }

    const A: &str = "aaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbb";
    const C: &str = "cccccccccccc";
    const D: &str = "dddddddddddd";
    const M: &str = "abcdef000000";

    #[test]
    fn find_children_and_ranges() {
        let graph = branched(true);
        assert_eq!(graph.find("abc").unwrap().id(), M);
        assert!(matches!(
            graph.find("a"),
            Err(RevisionError::AmbiguousTarget { .. })
        ));
        assert!(matches!(
            graph.find("e"),
            Err(RevisionError::UnknownTarget { .. })
        ));
        let ids = |revisions: Vec<&Revision>| -> Vec<String> {
            revisions.iter().map(|r| r.id().to_owned()).collect()
        };
        assert_eq!(ids(graph.children(A)), [B, C]);
        assert!(graph.children(M).is_empty());
        assert_eq!(ids(graph.range(None, None).unwrap()).len(), 4);
        assert_eq!(ids(graph.range(Some(B), None).unwrap()), [B, M]);
        assert_eq!(ids(graph.range(None, Some(C)).unwrap()), [A, C]);
        assert_eq!(ids(graph.range(Some(A), Some(B)).unwrap()), [A, B]);
        assert!(graph.range(Some(B), Some(C)).unwrap().is_empty());
    }

    /// A -> B -> M, A -> C -> M: two branches and their merge.
    fn branched(with_merge: bool) -> RevisionGraph {
        let mut files = vec![
            revision(A, &[], 1),
            revision(B, &[A], 2),
            revision(C, &[A], 3),
        ];
        if with_merge {
            files.push(revision(M, &[B, C], 4));
        }
        RevisionGraph::new(files).unwrap()
    }

    fn ids(graph: &RevisionGraph, plan: &[usize]) -> Vec<String> {
        plan.iter().map(|&at| graph.at(at).id.clone()).collect()
    }

    fn applied(graph: &RevisionGraph, ids: &[&str]) -> Vec<bool> {
        let mut marks = vec![false; graph.revisions().len()];
        for id in ids {
            marks[graph.position(id).unwrap()] = true;
        }
        marks
    }

    #[test]
    fn orders_parents_first_whatever_the_file_order() {
        let graph = RevisionGraph::new(vec![revision(B, &[A], 1), revision(A, &[], 2)]).unwrap();
        assert_eq!(ids(&graph, &[0, 1]), [A, B]);
        assert_eq!(graph.heads(), [B]);
    }

    #[test]
    fn rejects_duplicates_unknown_parents_and_cycles() {
        assert!(matches!(
            RevisionGraph::new(vec![revision(A, &[], 1), revision(A, &[], 2)]),
            Err(RevisionError::DuplicateRevision { .. })
        ));
        let unknown = RevisionGraph::new(vec![revision(A, &[D], 1)]).unwrap_err();
        assert!(unknown.to_string().contains(D), "{unknown}");
        let cycle = RevisionGraph::new(vec![
            revision(A, &[B], 1),
            revision(B, &[A], 2),
            revision(C, &[], 3),
        ])
        .unwrap_err();
        match cycle {
            RevisionError::Cycle { revisions } => assert_eq!(revisions, [A, B]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn targets_resolve_by_name_prefix_and_offset() {
        let graph = branched(true);
        assert_eq!(graph.parse_target("head").unwrap(), Target::Head);
        assert_eq!(graph.parse_target("+2").unwrap(), Target::Relative(2));
        assert_eq!(graph.parse_target("-1").unwrap(), Target::Relative(-1));
        assert_eq!(
            graph.parse_target("bbb").unwrap(),
            Target::Revision(graph.position(B).unwrap())
        );
        assert!(
            matches!(graph.parse_target("a"), Err(RevisionError::AmbiguousTarget { candidates, .. }) if candidates == [M, A] || candidates == [A, M])
        );
        assert!(matches!(
            graph.parse_target("ffff"),
            Err(RevisionError::UnknownTarget { .. })
        ));
        assert!(matches!(
            graph.parse_target("+x"),
            Err(RevisionError::InvalidTarget { .. })
        ));
        assert!(matches!(
            graph.parse_target("-0"),
            Err(RevisionError::InvalidTarget { .. })
        ));
    }

    #[test]
    fn targets_relative_to_a_revision() {
        let graph = branched(true);
        let position = |id: &str| Target::Revision(graph.position(id).unwrap());
        assert_eq!(graph.parse_target("bbb-1").unwrap(), position(A));
        assert_eq!(graph.parse_target("bbb+1").unwrap(), position(M));
        assert_eq!(graph.parse_target("ccc+1").unwrap(), position(M));
        assert_eq!(graph.parse_target("bbb-2").unwrap(), Target::Base);
        assert_eq!(graph.parse_target("head-0").ok(), None);
        match graph.parse_target("aaa+1") {
            Err(RevisionError::BranchedTarget {
                revision,
                candidates,
                ..
            }) => {
                assert_eq!(
                    (revision.as_str(), candidates),
                    (A, vec![B.to_owned(), C.to_owned()])
                )
            }
            other => panic!("{other:?}"),
        }
        let merge = graph.parse_target("abcdef-1").unwrap_err().to_string();
        assert!(
            merge.contains("has parents") && merge.contains(B),
            "{merge}"
        );
        assert!(matches!(
            graph.parse_target("bbb-3"),
            Err(RevisionError::RelativeOutOfRange { available: 2, .. })
        ));
        assert!(matches!(
            graph.parse_target("abcdef+1"),
            Err(RevisionError::RelativeOutOfRange { available: 0, .. })
        ));
        assert!(matches!(
            graph.parse_target("bbb-x"),
            Err(RevisionError::InvalidTarget { .. })
        ));
        assert!(matches!(
            graph.parse_target("fff-1"),
            Err(RevisionError::UnknownTarget { .. })
        ));
        let linear = RevisionGraph::new(vec![revision(A, &[], 1), revision(B, &[A], 2)]).unwrap();
        assert_eq!(
            linear.parse_target("head-1").unwrap(),
            Target::Revision(linear.position(A).unwrap())
        );
        // Plans follow: upgrade to the revision before B is A alone, and
        // downgrade to it reverts B.
        let none = vec![false; 2];
        assert_eq!(
            ids(&linear, &linear.upgrade_plan(&none, "bbb-1").unwrap()),
            [A]
        );
        let both = vec![true; 2];
        assert_eq!(
            ids(&linear, &linear.downgrade_plan(&both, "bbb-1").unwrap()),
            [B]
        );
        assert!(linear.downgrade_plan(&both, "aaa-1").unwrap().len() == 2);
        assert!(graph.parse_target("").is_err());
        assert!(graph.parse_target("é-1").is_err());
    }

    #[test]
    fn upgrade_plans() {
        let graph = branched(true);
        let none = applied(&graph, &[]);
        assert_eq!(
            ids(&graph, &graph.upgrade_plan(&none, "head").unwrap()),
            [A, B, C, M]
        );
        assert_eq!(
            ids(&graph, &graph.upgrade_plan(&none, "+2").unwrap()),
            [A, B]
        );
        assert_eq!(ids(&graph, &graph.upgrade_plan(&none, C).unwrap()), [A, C]);
        let some = applied(&graph, &[A, B]);
        assert_eq!(
            ids(&graph, &graph.upgrade_plan(&some, "head").unwrap()),
            [C, M]
        );
        assert!(matches!(
            graph.upgrade_plan(&some, "+3"),
            Err(RevisionError::RelativeOutOfRange { available: 2, .. })
        ));
        assert!(matches!(
            graph.upgrade_plan(&some, "-1"),
            Err(RevisionError::InvalidTarget { .. })
        ));
    }

    #[test]
    fn several_heads_need_heads_or_a_merge() {
        let graph = branched(false);
        let none = applied(&graph, &[]);
        let error = graph.upgrade_plan(&none, "head").unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains(B) && message.contains(C) && message.contains("merge heads"),
            "{message}"
        );
        assert_eq!(
            ids(&graph, &graph.upgrade_plan(&none, "heads").unwrap()),
            [A, B, C]
        );
    }

    #[test]
    fn downgrade_plans_and_merges_restore_their_heads() {
        let graph = branched(true);
        let all = applied(&graph, &[A, B, C, M]);
        assert_eq!(ids(&graph, &graph.downgrade_plan(&all, "-1").unwrap()), [M]);
        let after = applied(&graph, &[A, B, C]);
        assert_eq!(ids(&graph, &graph.applied_heads(&after)), [B, C]);
        assert_eq!(
            ids(&graph, &graph.downgrade_plan(&all, A).unwrap()),
            [M, C, B]
        );
        assert_eq!(
            ids(&graph, &graph.downgrade_plan(&all, "base").unwrap()),
            [M, C, B, A]
        );
        assert_eq!(ids(&graph, &graph.downgrade_plan(&all, B).unwrap()), [M]);
        assert!(matches!(
            graph.downgrade_plan(&all, "head"),
            Err(RevisionError::InvalidTarget { .. })
        ));
        assert!(matches!(
            graph.downgrade_plan(&all, "-5"),
            Err(RevisionError::RelativeOutOfRange { .. })
        ));
    }

    /// A -> B (label `main`), A -> C (label `audit`), D after B depending
    /// on C.
    fn labelled() -> RevisionGraph {
        let with = |id: &str, parents: &[&str], extra: &str, stamp: u32| {
            parse_revision(
                &format!("20240101{stamp:06}_{id}_r.sql"),
                &format!(
                    "-- retort:revision {id}\n-- retort:parents {}\n{extra}-- retort:up\nSELECT 1;\n-- retort:down\nSELECT 2;\n",
                    parents.join(" ")
                ),
            )
            .unwrap()
        };
        RevisionGraph::new(vec![
            with(A, &[], "", 1),
            with(B, &[A], "-- retort:branch-labels main\n", 2),
            with(C, &[A], "-- retort:branch-labels audit\n", 3),
            with(D, &[B], &format!("-- retort:depends-on {C}\n"), 4),
        ])
        .unwrap()
    }

    #[test]
    fn branch_labels_name_revisions_and_their_heads() {
        let graph = labelled();
        assert_eq!(graph.find("main").unwrap().id(), B);
        assert_eq!(
            graph.parse_target("main@head-1").unwrap(),
            Target::Revision(graph.position(B).unwrap())
        );
        assert_eq!(graph.find("main@head").unwrap().id(), D);
        assert_eq!(graph.find("audit@head").unwrap().id(), C);
        assert_eq!(graph.find("bbb@head").unwrap().id(), D);
        assert!(matches!(
            graph.find(&format!("{A}@head")),
            Err(RevisionError::BranchHasSeveralHeads { heads, .. }) if heads == [C, D]
        ));
        assert_eq!(graph.branch_labels_of(D), ["main"]);
        assert!(graph.branch_labels_of(A).is_empty());
    }

    #[test]
    fn dependencies_are_planned_like_parents_but_are_not_parents() {
        let graph = labelled();
        assert_eq!(graph.heads(), [C, D]);
        assert_eq!(graph.heads_resolving_dependencies(), [D]);
        let none = applied(&graph, &[]);
        assert_eq!(
            ids(&graph, &graph.upgrade_plan(&none, "main@head").unwrap()),
            [A, B, C, D]
        );
        let all = applied(&graph, &[A, B, C, D]);
        assert_eq!(
            ids(&graph, &graph.downgrade_plan(&all, A).unwrap()),
            [D, C, B]
        );
        assert_eq!(ids(&graph, &graph.downgrade_plan(&all, B).unwrap()), [D]);
        let after_audit = graph.downgrade_plan(&all, "audit").unwrap();
        assert_eq!(ids(&graph, &after_audit), [D]);
        assert_eq!(graph.stamp_set(D).unwrap(), all);
    }

    #[test]
    fn unknown_dependencies_and_shared_labels_are_refused() {
        let file = |id: &str, extra: &str, stamp: u32| {
            parse_revision(
                &format!("20240101{stamp:06}_{id}_r.sql"),
                &format!("-- retort:revision {id}\n{extra}-- retort:up\nSELECT 1;\n"),
            )
            .unwrap()
        };
        let unknown = RevisionGraph::new(vec![file(A, &format!("-- retort:depends-on {D}\n"), 1)]);
        assert!(
            matches!(unknown, Err(RevisionError::UnknownDependency { dependency, .. }) if dependency == D)
        );
        let shared = RevisionGraph::new(vec![
            file(A, "-- retort:branch-labels x\n", 1),
            file(B, "-- retort:branch-labels x\n", 2),
        ]);
        assert!(matches!(
            shared,
            Err(RevisionError::DuplicateBranchLabel { .. })
        ));
        for bad in ["head", "a@b", "aaaaaaaaaaaa", "-x", "v-1"] {
            assert!(
                crate::revision::file::check_branch_label(bad).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_replaced_revision_cannot_still_be_declared() {
        let mut baseline = revision(M, &[], 9);
        baseline.replaces = vec![A.to_owned(), B.to_owned()];
        let graph = RevisionGraph::new(vec![baseline.clone(), revision(C, &[M], 10)]).unwrap();
        assert_eq!(graph.replaced_by(B), graph.position(M));
        assert_eq!(graph.replaced_by(C), None);
        let error = RevisionGraph::new(vec![baseline, revision(A, &[], 1)]).unwrap_err();
        assert!(
            matches!(&error, RevisionError::StillReplaced { revision, .. } if revision == A),
            "{error}"
        );
    }

    #[test]
    fn stamps_mark_ancestors() {
        let graph = branched(true);
        assert_eq!(graph.stamp_set(B).unwrap(), applied(&graph, &[A, B]));
        assert_eq!(graph.stamp_set("base").unwrap(), applied(&graph, &[]));
    }
}
