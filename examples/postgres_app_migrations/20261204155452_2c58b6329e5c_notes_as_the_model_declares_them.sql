-- retort:revision 2c58b6329e5c
-- retort:parents a1b2c3d4e5f6
-- retort:message notes as the model declares them
-- retort:up postgresql
ALTER TABLE "retort_example_notes" DROP CONSTRAINT "retort_example_notes_pkey";
COMMENT ON TABLE "retort_example_notes" IS 'A note a worker wrote.';
ALTER TABLE "retort_example_notes" ADD CONSTRAINT "pk_retort_example_notes" PRIMARY KEY ("id");
-- retort:down postgresql
ALTER TABLE "retort_example_notes" DROP CONSTRAINT "pk_retort_example_notes";
COMMENT ON TABLE "retort_example_notes" IS NULL;
ALTER TABLE "retort_example_notes" ADD CONSTRAINT "retort_example_notes_pkey" PRIMARY KEY ("id");
