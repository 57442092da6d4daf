-- Facts about the store itself. The node writes node.role and node.code at its first start and
-- refuses to start on a store that names another node (store.StoreOwner).
create table node_info (
    key   text primary key,
    value text not null
);
