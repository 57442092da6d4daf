-- Operators' failed PIN attempts and lockout (standard 第4の4(8)): kept in the store so a lock survives a restart.
-- Only the operator id (as registered in the node's signed operators file), never the PIN.
CREATE TABLE operator_lockout (
    operator_id     TEXT PRIMARY KEY,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    -- set when the operator was locked; cleared only by an unlock the responsible officer signed
    locked_at       TIMESTAMPTZ
);
