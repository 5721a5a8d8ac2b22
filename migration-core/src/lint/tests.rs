use super::*;

/// The rules flagging each statement of `sql`, run in a transaction or not.
fn rules(sql: &str, transactional: bool) -> Vec<(usize, &'static str)> {
    lint_sql("f.sql", sql, 1, transactional)
        .into_iter()
        .map(|finding| (finding.line, finding.rule))
        .collect()
}

#[test]
fn every_rule_is_listed_once() {
    let ids: Vec<&str> = RULES.iter().map(|rule| rule.id).collect();
    assert_eq!(ids, RULE_IDS);
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
