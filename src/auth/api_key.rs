//! Per-tenant API keys for the ingest API: `mp_<prefix>_<secret>`, shown
//! once, stored as SHA-256, each with a set of scopes, revocable.

use crate::domain::TenantId;
use crate::store::{self, Pool};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

// Scopes and what they allow are decided in `policy`, with people's roles.
pub use crate::policy::Scope;

/// Who is calling the API, once their key checked out.
#[derive(Clone, Debug)]
pub struct ApiCaller {
    pub key_id: i64,
    pub tenant: TenantId,
    pub scopes: BTreeSet<Scope>,
}

impl ApiCaller {
    /// Whether the key may act where `scope` is needed (`policy` decides).
    pub fn has(&self, scope: Scope) -> bool {
        crate::policy::key_allows(&self.scopes, scope)
    }

    /// Which scope may post events under a given source name: the OMS and
    /// WMS post their own codes; everything else is a carrier source.
    pub fn may_post_source(&self, source: &str) -> bool {
        match source {
            "oms" => self.has(Scope::Oms),
            "wms" => self.has(Scope::Wms),
            _ => {
                debug_assert!(crate::domain::is_carrier_source(source));
                self.has(Scope::Carrier)
            }
        }
    }
}

fn hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// Creates a key and returns it in clear: the only time it is ever visible.
pub async fn create(pool: &Pool, tenant: TenantId, name: &str, scopes: &[Scope]) -> store::Result<(i64, String)> {
    let mut prefix = [0u8; 6];
    rand::rngs::OsRng.fill_bytes(&mut prefix);
    let prefix = hex::encode(prefix);
    let key = format!("mp_{prefix}_{}", crate::token::random(32));
    let scopes: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
    let id = store::insert_api_key(pool, tenant, name, &prefix, &hash(&key), &scopes.join(",")).await?;
    Ok((id, key))
}

/// The caller behind a presented key, if it is live.
pub async fn authenticate(pool: &Pool, presented: &str) -> store::Result<Option<ApiCaller>> {
    if !presented.starts_with("mp_") || presented.len() > 128 {
        return Ok(None);
    }
    let Some(record) = store::find_api_key(pool, &hash(presented)).await? else {
        return Ok(None);
    };
    let scopes = record.scopes.split(',').filter_map(|s| s.parse().ok()).collect();
    Ok(Some(ApiCaller { key_id: record.id, tenant: record.tenant_id, scopes }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(scopes: &[Scope]) -> ApiCaller {
        ApiCaller { key_id: 1, tenant: TenantId(1), scopes: scopes.iter().copied().collect() }
    }

    #[test]
    fn admin_implies_every_scope() {
        let admin = caller(&[Scope::Admin]);
        assert!(admin.has(Scope::Oms) && admin.has(Scope::Wms) && admin.has(Scope::Carrier));
    }

    #[test]
    fn sources_need_their_scope() {
        let wms = caller(&[Scope::Wms]);
        assert!(wms.may_post_source("wms"));
        assert!(!wms.may_post_source("oms"));
        assert!(!wms.may_post_source("ups"));
        assert!(caller(&[Scope::Carrier]).may_post_source("ups"));
    }

    #[test]
    fn scopes_parse_strictly() {
        assert_eq!("oms".parse::<Scope>(), Ok(Scope::Oms));
        assert!("root".parse::<Scope>().is_err());
    }
}
