-- retort:revision b2b2b2b2b2b2
-- retort:parents a1a1a1a1a1a1
-- retort:message add name to users
-- retort:up
ALTER TABLE users ADD COLUMN name VARCHAR(100);
-- retort:down
ALTER TABLE users DROP COLUMN name;
