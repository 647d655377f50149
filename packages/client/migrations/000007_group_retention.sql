-- Postbus migration 000007: a consumer group declares whether it holds retention back.
--
-- `holds_retention` true (the default, and every group created before this migration): `prune`
-- keeps every event of the group's channels that the group has not passed. False: the group's
-- cursors are ignored by `prune`, as if it were named in `ignoreGroups` (a retired group, or one
-- that reads only live events). Set it with `bus.setGroupRetention(group, holds)` or
-- `postbus retention <group> hold|release`. Adding a column with a constant default does not
-- rewrite the table.
ALTER TABLE {{schema}}.postbus_groups ADD COLUMN IF NOT EXISTS holds_retention boolean NOT NULL DEFAULT true;
