use super::*;
use crate::diff::diff;
use crate::render::render_online;
use crate::scenarios::{scenarios, Scenario};

/// The rules flagging each statement of `sql`, run in a transaction or not.
fn rules(sql: &str, transactional: bool) -> Vec<(usize, &'static str)> {
    lint_sql("f.sql", sql, 1, transactional)
        .into_iter()
        .map(|finding| (finding.line, finding.rule))
        .collect()
}

#[test]
fn every_rule_is_listed_once() {
    for kind in BackendKind::ALL {
        let ids: Vec<&str> = super::rules(kind).iter().map(|rule| rule.id).collect();
        assert_eq!(ids, rule_ids(kind), "{kind:?}");
        let mut unique = ids.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "{kind:?}: an id used twice");
    }
    assert_eq!(rule_ids(BackendKind::Postgres), RULE_IDS);
    assert_eq!(rule_ids(BackendKind::Mysql), MYSQL_RULE_IDS);
}

#[test]
fn each_rule_flags_its_statement_and_not_the_safe_one() {
    let cases: &[(&str, Option<&str>, bool)] = &[
        (
            "CREATE INDEX ix ON t (a)",
            Some("create-index-without-concurrently"),
            false,
        ),
        (
            "CREATE UNIQUE INDEX ix ON t (a)",
            Some("create-index-without-concurrently"),
            false,
        ),
        ("CREATE INDEX CONCURRENTLY ix ON t (a)", None, false),
        (
            "CREATE INDEX CONCURRENTLY ix ON t (a)",
            Some("concurrently-in-transaction"),
            true,
        ),
        (
            "DROP INDEX CONCURRENTLY IF EXISTS ix",
            Some("concurrently-in-transaction"),
            true,
        ),
        (
            "DROP INDEX ix",
            Some("drop-index-without-concurrently"),
            true,
        ),
        ("DROP INDEX CONCURRENTLY ix", None, false),
        (
            "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES u (id)",
            Some("foreign-key-without-not-valid"),
            true,
        ),
        (
            "ALTER TABLE t ADD FOREIGN KEY (a) REFERENCES u (id)",
            Some("foreign-key-without-not-valid"),
            true,
        ),
        (
            "ALTER TABLE t ADD COLUMN a BIGINT REFERENCES u (id)",
            Some("foreign-key-without-not-valid"),
            true,
        ),
        (
            "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES u (id) NOT VALID",
            None,
            true,
        ),
        (
            "ALTER TABLE t ADD CONSTRAINT ck CHECK (a > 0)",
            Some("check-without-not-valid"),
            true,
        ),
        (
            "ALTER TABLE t ADD CONSTRAINT ck CHECK (a > 0) NOT VALID",
            None,
            true,
        ),
        ("ALTER TABLE t VALIDATE CONSTRAINT ck", None, true),
        (
            "ALTER TABLE t ADD CONSTRAINT uq UNIQUE (a)",
            Some("unique-without-index"),
            true,
        ),
        (
            "ALTER TABLE t ADD CONSTRAINT uq UNIQUE USING INDEX ix",
            None,
            true,
        ),
        (
            "ALTER TABLE t ADD PRIMARY KEY (id)",
            Some("primary-key-without-index"),
            true,
        ),
        (
            "ALTER TABLE t ADD CONSTRAINT pk PRIMARY KEY USING INDEX ix",
            None,
            true,
        ),
        (
            "ALTER TABLE t ALTER COLUMN a SET NOT NULL",
            Some("set-not-null-without-check"),
            true,
        ),
        ("ALTER TABLE t ALTER COLUMN a DROP NOT NULL", None, true),
        (
            "ALTER TABLE t ALTER COLUMN a TYPE BIGINT",
            Some("column-type-change"),
            true,
        ),
        (
            "ALTER TABLE t ALTER a SET DATA TYPE TEXT USING a::text",
            Some("column-type-change"),
            true,
        ),
        (
            "ALTER TABLE t ADD COLUMN a UUID DEFAULT gen_random_uuid()",
            Some("volatile-default"),
            true,
        ),
        (
            "ALTER TABLE t ADD COLUMN a BIGSERIAL",
            Some("volatile-default"),
            true,
        ),
        (
            "ALTER TABLE t ADD COLUMN a TIMESTAMPTZ DEFAULT now()",
            None,
            true,
        ),
        (
            "ALTER TABLE t ADD COLUMN a BOOLEAN NOT NULL DEFAULT false",
            None,
            true,
        ),
        ("ALTER TABLE t ADD COLUMN a TEXT", None, true),
        (
            "COMMENT ON COLUMN t.a IS 'CREATE INDEX x ON t (a)'",
            None,
            true,
        ),
    ];
    for (sql, rule, transactional) in cases {
        let found: Vec<&str> = rules(sql, *transactional)
            .into_iter()
            .map(|(_, rule)| rule)
            .collect();
        assert_eq!(found, rule.iter().copied().collect::<Vec<_>>(), "{sql}");
    }
}

#[test]
fn a_table_created_in_the_revision_is_not_flagged() {
    let sql = "CREATE TABLE t (id BIGINT, a TEXT);\nCREATE INDEX ix ON t (a);\nALTER TABLE t ADD CONSTRAINT ck CHECK (a <> '');\nCREATE INDEX iy ON other (a);\n";
    assert_eq!(rules(sql, true), [(4, "create-index-without-concurrently")]);
}

#[test]
fn set_not_null_after_a_validated_check_is_safe() {
    let sql =
        "ALTER TABLE t VALIDATE CONSTRAINT ck_a;\nALTER TABLE t ALTER COLUMN a SET NOT NULL;\n";
    assert_eq!(rules(sql, true), []);
}

#[test]
fn set_not_null_after_validating_some_other_constraint_is_flagged() {
    let sql = "ALTER TABLE t ADD CONSTRAINT ck_b CHECK (b IS NOT NULL) NOT VALID;\nCOMMIT;\nALTER TABLE t VALIDATE CONSTRAINT ck_b;\nALTER TABLE t ALTER COLUMN a SET NOT NULL;\n";
    assert_eq!(rules(sql, false), [(4, "set-not-null-without-check")]);
    let sql = "ALTER TABLE t ADD CONSTRAINT ck_a CHECK (a IS NOT NULL) NOT VALID;\nCOMMIT;\nALTER TABLE t VALIDATE CONSTRAINT ck_a;\nALTER TABLE t ALTER COLUMN a SET NOT NULL;\n";
    assert_eq!(rules(sql, false), []);
}

#[test]
fn validating_in_the_transaction_that_added_the_constraint_is_flagged() {
    let sql = "ALTER TABLE t ADD CONSTRAINT ck CHECK (a > 0) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT ck;\n";
    assert_eq!(rules(sql, true), [(2, "validate-in-the-same-transaction")]);
    assert_eq!(rules(sql, false), []);
}

#[test]
fn several_actions_of_one_alter_table_are_each_checked() {
    let sql = "ALTER TABLE t ADD COLUMN a TEXT,\n  ALTER COLUMN b TYPE BIGINT, ADD CONSTRAINT ck CHECK (a <> '');";
    assert_eq!(
        rules(sql, true),
        [(1, "check-without-not-valid"), (1, "column-type-change")]
    );
}

#[test]
fn findings_name_the_file_line_lock_and_alternative() {
    let revision = crate::revision::parse_revision(
        "20240101000000_a1b2c3d4e5f6_x.sql",
        "-- retort:revision a1b2c3d4e5f6\n-- retort:message x\n-- retort:up\nALTER TABLE t ADD COLUMN a TEXT;\n\nALTER TABLE t ALTER COLUMN a TYPE VARCHAR(5);\n-- retort:down\nDROP INDEX ix;\n",
    )
    .unwrap();
    let findings = lint(&revision);
    assert_eq!(findings.len(), 1, "{findings:?}");
    let finding = &findings[0];
    assert_eq!(finding.line, 6);
    assert!(finding.rewrites_table);
    assert!(finding.lock.starts_with("ACCESS EXCLUSIVE"));
    let shown = finding.to_string();
    assert!(
        shown.starts_with("20240101000000_a1b2c3d4e5f6_x.sql:6: warning [column-type-change]"),
        "{shown}"
    );
    assert!(shown.contains("expand and contract"), "{shown}");
}

/// A `NOT NULL` column with no default added to a table that has rows
/// fails (PostgreSQL) or fills them with an implicit value (MySQL): both
/// lints name the model's `backfill` key and a default as the fix; a
/// default, a nullable column, a generated value, a check's `IS NOT NULL`
/// or a table created in the revision are not flagged.
#[test]
fn a_not_null_column_without_default_names_the_backfill_fix() {
    for kind in [BackendKind::Postgres, BackendKind::Mysql] {
        let flagged = |sql: &str| -> Vec<(usize, &'static str)> {
            lint_sql_for(kind, "f.sql", sql, 1, false)
                .into_iter()
                .filter(|finding| finding.rule == "not-null-column-without-default")
                .map(|finding| (finding.line, finding.rule))
                .collect()
        };
        assert_eq!(
            flagged("ALTER TABLE users ADD COLUMN email VARCHAR(255) NOT NULL;"),
            [(1, "not-null-column-without-default")],
            "{kind:?}"
        );
        assert_eq!(
            flagged("ALTER TABLE users ADD email TEXT NOT NULL, ADD c INTEGER NULL;"),
            [(1, "not-null-column-without-default")],
            "{kind:?}"
        );
        for safe in [
            "ALTER TABLE users ADD COLUMN email VARCHAR(255) NOT NULL DEFAULT '';",
            "ALTER TABLE users ADD COLUMN email VARCHAR(255);",
            "ALTER TABLE users ADD COLUMN n INTEGER CHECK (n IS NOT NULL);",
            "ALTER TABLE users ADD CONSTRAINT ck CHECK (email IS NOT NULL) NOT VALID;",
            "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
            "CREATE TABLE users (id BIGINT);\nALTER TABLE users ADD COLUMN email TEXT NOT NULL;",
        ] {
            assert_eq!(flagged(safe), [], "{kind:?}: {safe}");
        }
        let finding = lint_sql_for(
            kind,
            "f.sql",
            "ALTER TABLE users ADD COLUMN email TEXT NOT NULL;",
            1,
            false,
        )
        .into_iter()
        .find(|finding| finding.rule == "not-null-column-without-default")
        .expect("flagged");
        assert!(
            finding
                .safe_alternative
                .contains("#[model(backfill = \"<SQL expression>\")]")
                && finding.safe_alternative.contains("default"),
            "{kind:?}: {}",
            finding.safe_alternative
        );
    }
    for safe in [
        "ALTER TABLE users ADD COLUMN id BIGSERIAL NOT NULL;",
        "ALTER TABLE users ADD COLUMN id BIGINT NOT NULL GENERATED ALWAYS AS IDENTITY;",
    ] {
        assert!(
            lint_sql("f.sql", safe, 1, false)
                .iter()
                .all(|finding| finding.rule != "not-null-column-without-default"),
            "{safe}"
        );
    }
}

/// A revision with a backfill runs each statement in a transaction of its
/// own: validating a check added `NOT VALID` before it is not flagged as
/// being in the same transaction.
#[test]
fn a_revision_with_a_backfill_is_linted_as_outside_a_transaction() {
    let revision = crate::revision::parse_revision(
        "20240101000000_a1b2c3d4e5f6_x.sql",
        "-- retort:revision a1b2c3d4e5f6\n-- retort:message x\n-- retort:up\nALTER TABLE t ADD COLUMN a TEXT;\n-- retort:backfill table=t key=id batch=1000\nUPDATE t SET a = b WHERE a IS NULL AND {batch};\nALTER TABLE t ADD CONSTRAINT t_a_not_null CHECK (a IS NOT NULL) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT t_a_not_null;\nALTER TABLE t ALTER COLUMN a SET NOT NULL;\nALTER TABLE t DROP CONSTRAINT t_a_not_null;\n",
    )
    .unwrap();
    assert_eq!(lint(&revision), []);
}

/// The MySQL rules flagging each statement of `sql`.
fn mysql_rules(sql: &str) -> Vec<(usize, &'static str)> {
    lint_sql_for(BackendKind::Mysql, "f.sql", sql, 1, true)
        .into_iter()
        .map(|finding| (finding.line, finding.rule))
        .collect()
}

#[test]
fn each_mysql_rule_flags_its_statement_and_not_the_safe_one() {
    let cases: &[(&str, Option<&str>)] = &[
        // A column's type: without an algorithm, a copy.
        (
            "ALTER TABLE `t` MODIFY COLUMN `a` BIGINT NOT NULL",
            Some("column-type-change"),
        ),
        (
            "ALTER TABLE t CHANGE a b BIGINT NOT NULL",
            Some("column-type-change"),
        ),
        (
            "ALTER TABLE t MODIFY a INT NOT NULL AUTO_INCREMENT",
            Some("column-type-change"),
        ),
        (
            "ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4",
            Some("column-type-change"),
        ),
        (
            "ALTER TABLE `t` MODIFY COLUMN `a` INT NULL, ALGORITHM=INPLACE, LOCK=NONE",
            None,
        ),
        ("ALTER TABLE t MODIFY a INT NULL, LOCK=NONE", None),
        ("ALTER TABLE t MODIFY a INT NULL, ALGORITHM=INSTANT", None),
        // A foreign key, unless the session stopped checking them.
        (
            "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES u (id)",
            Some("foreign-key-with-checks-on"),
        ),
        (
            "ALTER TABLE t ADD CONSTRAINT FOREIGN KEY (a) REFERENCES u (id), ALGORITHM=INPLACE, LOCK=NONE",
            Some("foreign-key-with-checks-on"),
        ),
        (
            "ALTER TABLE t ADD FOREIGN KEY (a) REFERENCES u (id)",
            Some("foreign-key-with-checks-on"),
        ),
        (
            "ALTER TABLE t ADD COLUMN a BIGINT REFERENCES u (id), ALGORITHM=INSTANT",
            Some("foreign-key-with-checks-on"),
        ),
        // A check constraint, whatever the statement asks for.
        (
            "ALTER TABLE t ADD CONSTRAINT ck CHECK (a > 0)",
            Some("add-check-constraint"),
        ),
        (
            "ALTER TABLE t ADD CHECK (a > 0), ALGORITHM=INPLACE, LOCK=NONE",
            Some("add-check-constraint"),
        ),
        (
            "ALTER TABLE t ADD COLUMN a INT CHECK (a > 0), ALGORITHM=INSTANT",
            Some("add-check-constraint"),
        ),
        ("ALTER TABLE t DROP CONSTRAINT ck", None),
        ("ALTER TABLE t DROP CHECK ck", None),
        // A primary key dropped on its own; dropped and added together is
        // an in-place rebuild.
        ("ALTER TABLE t DROP PRIMARY KEY", Some("drop-primary-key")),
        (
            "ALTER TABLE t DROP PRIMARY KEY, ALGORITHM=INPLACE, LOCK=NONE",
            Some("drop-primary-key"),
        ),
        ("DROP INDEX `PRIMARY` ON t", Some("drop-primary-key")),
        (
            "ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (id, a), ALGORITHM=INPLACE, LOCK=NONE",
            None,
        ),
        (
            "ALTER TABLE t ADD PRIMARY KEY (id), ALGORITHM=INPLACE, LOCK=NONE",
            None,
        ),
        // Rebuilds.
        ("OPTIMIZE TABLE t", Some("table-rebuild")),
        ("OPTIMIZE NO_WRITE_TO_BINLOG TABLE a, b", Some("table-rebuild")),
        ("ALTER TABLE t FORCE", Some("table-rebuild")),
        (
            "ALTER TABLE t ENGINE=InnoDB, ALGORITHM=INPLACE, LOCK=NONE",
            Some("table-rebuild"),
        ),
        (
            "ALTER TABLE t COMMENT = 'x' ENGINE = InnoDB",
            Some("table-rebuild"),
        ),
        ("ALTER TABLE t ADD COLUMN engine INT, ALGORITHM=INSTANT", None),
        // Leaving the algorithm to the server.
        (
            "ALTER TABLE t ADD COLUMN a INT NULL",
            Some("alter-table-without-online-algorithm"),
        ),
        (
            "ALTER TABLE t DROP COLUMN a, ALGORITHM=INPLACE",
            Some("alter-table-without-online-algorithm"),
        ),
        (
            "ALTER TABLE t ADD INDEX ix (a), ALGORITHM=COPY",
            Some("alter-table-without-online-algorithm"),
        ),
        (
            "ALTER TABLE t ADD UNIQUE KEY uq (a), LOCK=SHARED",
            Some("alter-table-without-online-algorithm"),
        ),
        (
            "ALTER TABLE t ADD PRIMARY KEY (id)",
            Some("alter-table-without-online-algorithm"),
        ),
        ("ALTER TABLE t ADD COLUMN a INT NULL, ALGORITHM=INSTANT", None),
        (
            "ALTER TABLE t DROP COLUMN a, ALGORITHM = INPLACE, LOCK = NONE",
            None,
        ),
        ("ALTER ONLINE TABLE t ADD INDEX ix (a)", None),
        (
            "CREATE INDEX ix ON t (a)",
            Some("create-index-without-online-algorithm"),
        ),
        (
            "CREATE UNIQUE INDEX ix ON t (a) ALGORITHM=INPLACE",
            Some("create-index-without-online-algorithm"),
        ),
        ("CREATE INDEX ix ON t (a) ALGORITHM=INPLACE LOCK=NONE", None),
        (
            "CREATE UNIQUE INDEX `ix` ON `t` ((lower(email))) ALGORITHM=INPLACE LOCK=NONE",
            None,
        ),
        // Metadata only: never copied, whatever the statement asks for.
        ("RENAME TABLE `t` TO `u`", None),
        ("ALTER TABLE t RENAME TO u", None),
        ("ALTER TABLE t RENAME COLUMN a TO b", None),
        ("ALTER TABLE t RENAME INDEX a TO b", None),
        ("ALTER TABLE t COMMENT = 'people'", None),
        ("ALTER TABLE t ALTER COLUMN a SET DEFAULT 1", None),
        ("ALTER TABLE t ALTER a DROP DEFAULT", None),
        ("ALTER TABLE t DROP INDEX ix", None),
        ("DROP INDEX ix ON t", None),
        ("ALTER TABLE t DROP FOREIGN KEY fk", None),
        // Not DDL on an existing table.
        ("CREATE TABLE t (a INT, INDEX (a), CHECK (a > 0))", None),
        ("DROP TABLE t", None),
        ("INSERT INTO t VALUES ('ALTER TABLE t FORCE')", None),
        ("COMMENT ON TABLE t IS 'x'", None),
    ];
    for (sql, rule) in cases {
        let found: Vec<&str> = mysql_rules(sql).into_iter().map(|(_, rule)| rule).collect();
        assert_eq!(found, rule.iter().copied().collect::<Vec<_>>(), "{sql}");
    }
}

#[test]
fn mysql_foreign_keys_with_checks_off_need_only_the_algorithm() {
    let sql = "SET foreign_key_checks = 0;\nALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES u (id), ALGORITHM=INPLACE, LOCK=NONE;\nALTER TABLE t ADD CONSTRAINT fk2 FOREIGN KEY (b) REFERENCES u (id);\nSET foreign_key_checks = 1;\nALTER TABLE t ADD CONSTRAINT fk3 FOREIGN KEY (c) REFERENCES u (id), ALGORITHM=INPLACE, LOCK=NONE;\n";
    assert_eq!(
        mysql_rules(sql),
        [
            (3, "alter-table-without-online-algorithm"),
            (5, "foreign-key-with-checks-on")
        ]
    );
    let sql = "SET @@SESSION.FOREIGN_KEY_CHECKS := OFF;\nALTER TABLE t ADD FOREIGN KEY (a) REFERENCES u (id), LOCK=NONE;\n";
    assert_eq!(mysql_rules(sql), []);
    // A comment the server runs (mysqldump's spelling) is a statement the
    // runner sends; a plain comment is not.
    let sql = "/*!40014 SET FOREIGN_KEY_CHECKS=0 */;\nALTER TABLE t ADD FOREIGN KEY (a) REFERENCES u (id), LOCK=NONE;\n";
    assert_eq!(mysql_rules(sql), []);
    let sql = "/* SET FOREIGN_KEY_CHECKS=0 */;\nALTER TABLE t ADD FOREIGN KEY (a) REFERENCES u (id), LOCK=NONE;\n";
    assert_eq!(mysql_rules(sql), [(2, "foreign-key-with-checks-on")]);
    let sql = "SET GLOBAL foreign_key_checks = 0;\nALTER TABLE t ADD FOREIGN KEY (a) REFERENCES u (id), LOCK=NONE;\n";
    assert_eq!(mysql_rules(sql), [(2, "foreign-key-with-checks-on")]);
}

#[test]
fn mysql_statements_on_a_table_created_in_the_revision_are_not_flagged() {
    let sql = "CREATE TABLE `t` (`id` BIGINT, `a` INT);\nCREATE INDEX ix ON t (a);\nALTER TABLE `t` ADD CONSTRAINT ck CHECK (a > 0), MODIFY `a` BIGINT;\nALTER TABLE t ADD FOREIGN KEY (a) REFERENCES u (id), DROP PRIMARY KEY;\nOPTIMIZE TABLE t;\nALTER TABLE t ADD COLUMN b INT;\nALTER TABLE `T` ADD COLUMN b INT;\n";
    // MySQL's table names are case-sensitive (Linux's default).
    assert_eq!(
        mysql_rules(sql),
        [(7, "alter-table-without-online-algorithm")]
    );
}

#[test]
fn a_mysql_statement_that_copies_is_flagged_once_for_the_copy() {
    // The copy is what matters; asking for an algorithm would make the
    // server refuse the statement, so that is not reported as well.
    let sql =
        "ALTER TABLE t ADD COLUMN b INT,\n  ADD CONSTRAINT ck CHECK (b > 0), MODIFY a BIGINT;";
    assert_eq!(
        mysql_rules(sql),
        [(1, "column-type-change"), (1, "add-check-constraint")]
    );
}

#[test]
fn mysql_statements_are_read_in_mysql_s_dialect() {
    // Backslash escapes, `#` comments, backquoted and double-quoted
    // literals hide nothing and invent nothing.
    let sql = "# ALTER TABLE t FORCE;\nINSERT INTO t VALUES ('it\\'s; ALTER TABLE t FORCE', \"OPTIMIZE TABLE t\");\nALTER TABLE `odd``name` ADD COLUMN `a` INT;\n";
    assert_eq!(
        mysql_rules(sql),
        [(3, "alter-table-without-online-algorithm")]
    );
    let findings = lint_sql_for(BackendKind::Mysql, "f.sql", sql, 1, true);
    assert_eq!(
        findings[0].statement,
        "ALTER TABLE `odd``name` ADD COLUMN `a` INT"
    );
    // The text of a `/*! ... */` comment is SQL the server runs.
    let sql = "ALTER TABLE t ADD COLUMN a INT /*!50600 , ALGORITHM=INPLACE, LOCK=NONE */;\nALTER TABLE t ADD COLUMN b INT /* , LOCK=NONE */;\n";
    assert_eq!(
        mysql_rules(sql),
        [(2, "alter-table-without-online-algorithm")]
    );
}

#[test]
fn sqlite_has_no_rules() {
    assert!(rule_ids(BackendKind::Sqlite).is_empty());
    assert_eq!(
        lint_sql_for(
            BackendKind::Sqlite,
            "f.sql",
            "CREATE INDEX ix ON t (a)",
            1,
            true
        ),
        []
    );
}

#[test]
fn lint_is_the_postgres_lint() {
    let revision = crate::revision::parse_revision(
        "20240101000000_a1b2c3d4e5f6_x.sql",
        "-- retort:revision a1b2c3d4e5f6\n-- retort:up\nCREATE INDEX ix ON t (a);\nALTER TABLE t ALTER COLUMN a TYPE BIGINT;\n",
    )
    .unwrap();
    assert_eq!(lint(&revision), lint_for(BackendKind::Postgres, &revision));
    let mysql: Vec<&str> = lint_for(BackendKind::Mysql, &revision)
        .iter()
        .map(|finding| finding.rule)
        .collect();
    assert_eq!(
        mysql,
        [
            "create-index-without-online-algorithm",
            "alter-table-without-online-algorithm"
        ]
    );
}

#[test]
fn mysql_findings_name_the_file_line_lock_and_alternative() {
    let revision = crate::revision::parse_revision(
        "20240101000000_a1b2c3d4e5f6_x.sql",
        "-- retort:revision a1b2c3d4e5f6\n-- retort:up\nALTER TABLE `t` ADD COLUMN `a` INT NULL, ALGORITHM=INSTANT;\n\nALTER TABLE `t` MODIFY COLUMN `b` BIGINT NOT NULL;\n",
    )
    .unwrap();
    let findings = lint_for(BackendKind::Mysql, &revision);
    assert_eq!(findings.len(), 1, "{findings:?}");
    let finding = &findings[0];
    assert_eq!(finding.line, 5);
    assert!(finding.rewrites_table);
    assert!(finding.lock.contains("ALGORITHM=COPY"), "{}", finding.lock);
    let shown = finding.to_string();
    assert!(
        shown.starts_with("20240101000000_a1b2c3d4e5f6_x.sql:5: warning [column-type-change]"),
        "{shown}"
    );
    assert!(shown.contains("ALGORITHM=INPLACE, LOCK=NONE"), "{shown}");
}

#[test]
fn the_mysql_rules_that_rewrite_the_table_are_the_copies_and_rebuilds() {
    // `alter-table-without-online-algorithm` stands back for these, since
    // the statement copies or rebuilds whatever it asks for.
    let rewriting: Vec<&str> = super::rules(BackendKind::Mysql)
        .iter()
        .filter(|rule| rule.rewrites_table)
        .map(|rule| rule.id)
        .collect();
    assert_eq!(
        rewriting,
        [
            "column-type-change",
            "foreign-key-with-checks-on",
            "add-check-constraint",
            "drop-primary-key",
            "table-rebuild"
        ]
    );
}

// Online rendering and the lint agree: what one rewrites or warns about,
// the other flags, over every change the render tests render.

#[test]
fn online_steps_keep_the_offline_statements_apart_from_the_lock_safe_rewrites() {
    // Every offline statement that is not lock-risky survives unchanged in
    // the online steps: online rendering only rewrites the risky ones. (The
    // offline render also joins a table's clauses into one ALTER TABLE; the
    // online steps keep each op's statements apart, so compare op by op.)
    let backend = BackendKind::Postgres.backend();
    for Scenario { name, from, to, .. } in scenarios() {
        let changes = diff(&from, &to);
        let Ok(steps) = render_online(&changes, backend) else {
            continue;
        };
        let online: Vec<&String> = steps.iter().flat_map(|step| &step.up).collect();
        let mut offline = Vec::new();
        for op in changes.ops() {
            match crate::render::render_op(op, backend) {
                Ok(statements) => offline.extend(statements),
                Err(_) => {
                    offline.clear();
                    break;
                }
            }
        }
        for statement in offline {
            let risky = lint_sql("x.sql", &statement, 1, false)
                .iter()
                .any(|finding| {
                    finding.rule != "column-type-change" && finding.rule != "volatile-default"
                });
            if !risky {
                assert!(
                    online
                        .iter()
                        .any(|online| online.ends_with(statement.as_str())),
                    "{name}: {statement} is missing from the online steps"
                );
            }
        }
    }
}

/// The MySQL lint rule that flags the statement each online warning is
/// about: (words of the warning, rule).
const MYSQL_WARNED_RULES: &[(&str, &str)] = &[
    ("changing a column's type", "column-type-change"),
    ("adding or removing AUTO_INCREMENT", "column-type-change"),
    ("adding a foreign key", "foreign-key-with-checks-on"),
    ("adding a check constraint", "add-check-constraint"),
    ("dropping a primary key", "drop-primary-key"),
    (
        "adding a stored generated column",
        "alter-table-without-online-algorithm",
    ),
];

#[test]
fn mysql_online_steps_pass_the_mysql_lint_but_for_what_they_warn_about() {
    // Every statement the lint flags is one the step warns copies the
    // table, and every such warning is about a statement the lint flags.
    let mut warned = 0;
    for Scenario { name, from, to, .. } in scenarios() {
        let Ok(steps) = render_online(&diff(&from, &to), BackendKind::Mysql.backend()) else {
            continue;
        };
        for step in &steps {
            let sql: String = step
                .up
                .iter()
                .map(|statement| format!("{statement};\n"))
                .collect();
            let findings = lint_sql_for(BackendKind::Mysql, "x.sql", &sql, 1, step.transactional);
            let copies: Vec<&String> = step
                .warnings
                .iter()
                .filter(|warning| !warning.starts_with("no down section"))
                .collect();
            let explained = |rule: &str| {
                copies.iter().any(|warning| {
                    MYSQL_WARNED_RULES
                        .iter()
                        .any(|(words, warned)| *warned == rule && warning.contains(words))
                })
            };
            for finding in &findings {
                assert!(
                    explained(finding.rule),
                    "{name}: the lint flags a statement the step does not warn about: {finding}\nwarnings: {copies:#?}"
                );
            }
            for warning in &copies {
                warned += 1;
                let (_, rule) = MYSQL_WARNED_RULES
                    .iter()
                    .find(|(words, _)| warning.contains(words))
                    .unwrap_or_else(|| panic!("{name}: a warning with no rule: {warning}"));
                assert!(
                    findings.iter().any(|finding| finding.rule == *rule),
                    "{name}: the step warns `{warning}` and the lint does not flag it ({rule}):\n{sql}"
                );
            }
        }
    }
    assert!(warned > 0, "some scenario copies a table");
}
