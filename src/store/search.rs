//! The order search index (`order_search_terms`) and the queries over it.

use super::portal::OrderListRow;
use super::{on_pool, on_tx, Pool, Result, Tx};
use crate::domain::search::{order_terms, OrderKeys, SearchKind, SearchQuery};
use crate::domain::{OrderId, TenantId};
use crate::policy::Reach;

/// Rewrites the order's search terms from its current keys. Called in the
/// transaction that changed them (an order saved, a shipment added).
pub(crate) async fn reindex_order(tx: &mut Tx, order: OrderId) -> Result<()> {
    let keys: Option<(
        TenantId,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
        String,
    )> = on_tx!(tx, |c| {
        sqlx::query_as(
            "SELECT tenant_id, order_number, customer_po, contact_email, contact_phone, contact_name, ship_to_name, ship_to_postcode
             FROM orders WHERE id = $1"
        )
        .bind(order)
        .fetch_optional(c)
        .await
    })?;
    let Some((tenant, number, po, email, phone, contact, ship_to_name, postcode)) = keys else {
        return Ok(());
    };
    let tracking: Vec<String> =
        on_tx!(tx, |c| sqlx::query_scalar("SELECT tracking_number FROM shipments WHERE order_id = $1")
            .bind(order)
            .fetch_all(c)
            .await)?;
    let mut names = vec![ship_to_name.as_str()];
    names.extend(contact.as_deref());
    let terms = order_terms(&OrderKeys {
        order_number: &number,
        customer_po: po.as_deref(),
        tracking_numbers: tracking.iter().map(String::as_str).collect(),
        email: email.as_deref(),
        phone: phone.as_deref(),
        names,
        postcode: Some(&postcode),
    });
    on_tx!(tx, |c| sqlx::query("DELETE FROM order_search_terms WHERE order_id = $1")
        .bind(order)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    insert_terms(tx, tenant, order, &terms).await
}

/// One multi-row INSERT for all of an order's terms.
pub(crate) async fn insert_terms(
    tx: &mut Tx,
    tenant: TenantId,
    order: OrderId,
    terms: &[(SearchKind, String)],
) -> Result<()> {
    if terms.is_empty() {
        return Ok(());
    }
    let rows: Vec<String> = (0..terms.len()).map(|i| format!("($1, $2, ${}, ${})", 2 * i + 3, 2 * i + 4)).collect();
    let sql = format!("INSERT INTO order_search_terms (tenant_id, order_id, term, kind) VALUES {}", rows.join(", "));
    on_tx!(tx, |c| {
        let mut q = sqlx::query(&sql).bind(tenant).bind(order);
        for (kind, term) in terms {
            q = q.bind(term).bind(kind.code());
        }
        q.execute(c).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Indexes every order that has no terms yet (orders saved before the
/// index existed). Cheap when there are none.
pub async fn index_unindexed_orders(pool: &Pool) -> Result<usize> {
    let orders: Vec<OrderId> = on_pool!(pool, |c| sqlx::query_scalar(
        "SELECT id FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_search_terms t WHERE t.order_id = o.id)"
    )
    .fetch_all(c)
    .await)?;
    for chunk in orders.chunks(500) {
        let mut tx = super::write_tx(pool).await?;
        for &order in chunk {
            reindex_order(&mut tx, order).await?;
        }
        tx.commit().await?;
    }
    Ok(orders.len())
}

/// How many index rows one range may contribute: a one-letter query on a
/// million orders must not read them all. Exact matches are read first and
/// separately, so they are never crowded out.
const RANGE_CANDIDATES: i64 = 2_000;
const EXACT_CANDIDATES: i64 = 500;

/// One order found, with what it matched on.
#[derive(Clone, Debug)]
pub struct SearchHit {
    pub score: u32,
    pub matched: SearchKind,
    pub order: OrderListRow,
}

/// The best `limit` orders in reach for the query, best first; ties go to
/// the newer order.
pub async fn search_orders(pool: &Pool, reach: Reach, query: &SearchQuery, limit: usize) -> Result<Vec<SearchHit>> {
    let select = "SELECT kind, term, order_id FROM order_search_terms WHERE tenant_id = $1";
    let exact: Vec<(String, String, OrderId)> =
        on_pool!(pool, |c| sqlx::query_as(&format!("{select} AND term = $2 LIMIT $3"))
            .bind(reach.tenant)
            .bind(&query.term)
            .bind(EXACT_CANDIDATES)
            .fetch_all(c)
            .await)?;
    let forward: Vec<(String, String, OrderId)> =
        on_pool!(pool, |c| sqlx::query_as(&format!("{select} AND term >= $2 AND term < $3 LIMIT $4"))
            .bind(reach.tenant)
            .bind(&query.forward.0)
            .bind(&query.forward.1)
            .bind(RANGE_CANDIDATES)
            .fetch_all(c)
            .await)?;
    let reversed: Vec<(String, String, OrderId)> = on_pool!(pool, |c| sqlx::query_as(&format!(
        "{select} AND term >= $2 AND term < $3 AND kind IN ('tracking_rev', 'phone_rev') LIMIT $4"
    ))
    .bind(reach.tenant)
    .bind(&query.reversed.0)
    .bind(&query.reversed.1)
    .bind(RANGE_CANDIDATES)
    .fetch_all(c)
    .await)?;

    let mut best: std::collections::HashMap<OrderId, (u32, SearchKind)> = Default::default();
    for (kind, term, order) in exact.into_iter().chain(forward).chain(reversed) {
        let Some(kind) = SearchKind::from_code(&kind) else { continue };
        let Some(score) = query.score(kind, &term) else { continue };
        let entry = best.entry(order).or_insert((score, kind));
        if score > entry.0 {
            *entry = (score, kind);
        }
    }
    // Account users' reach is narrower than the index's tenant: the
    // orders query applies it, so read a few more than asked for.
    let mut ranked: Vec<(OrderId, u32, SearchKind)> = best.into_iter().map(|(o, (s, k))| (o, s, k)).collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
    let mut hits = Vec::new();
    for chunk in ranked.chunks(limit.max(1) * 2) {
        let ids: Vec<OrderId> = chunk.iter().map(|(o, _, _)| *o).collect();
        let rows = super::portal::orders_by_id(pool, reach, &ids).await?;
        for &(order, score, matched) in chunk {
            if let Some(row) = rows.iter().find(|r| r.id == order) {
                hits.push(SearchHit { score, matched, order: row.clone() });
            }
        }
        if hits.len() >= limit {
            break;
        }
    }
    hits.sort_by(|a, b| b.score.cmp(&a.score).then(b.order.placed_at.cmp(&a.order.placed_at)));
    hits.truncate(limit);
    Ok(hits)
}
