//! The Olist dataset's four files (orders, order items, customers,
//! sellers), read with a real CSV parser: the files quote some fields and
//! not others. Times are local Brazilian wall-clock times without offset
//! (the dataset's README: São Paulo time); the estimated delivery date is
//! a date at midnight. Orders keep their status as published: a cancelled
//! order or one with missing dates is read, and the caller decides.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

pub const ORDERS: &str = "olist_orders_dataset.csv";
pub const ORDER_ITEMS: &str = "olist_order_items_dataset.csv";
pub const CUSTOMERS: &str = "olist_customers_dataset.csv";
pub const SELLERS: &str = "olist_sellers_dataset.csv";

#[derive(Debug, thiserror::Error)]
pub enum OlistError {
    #[error("{path}: {source}")]
    Open { path: PathBuf, source: std::io::Error },
    #[error("{file} line {line}: {message}")]
    Row { file: &'static str, line: u64, message: String },
    #[error("{file} line {line}: field {field}: {message}")]
    Field { file: &'static str, line: u64, field: &'static str, message: String },
}

/// Where a customer or seller is: the dataset's zip code prefix (five
/// digits, zero-padded in this slice), city and state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OlistPlace {
    pub zip_prefix: String,
    pub city: String,
    pub state: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct OlistItem {
    pub item: u32,
    pub product_id: String,
    pub seller_id: String,
    /// `None` when the seller is not in the sellers file.
    pub seller: Option<OlistPlace>,
    pub shipping_limit: Option<NaiveDateTime>,
    pub price: f64,
    pub freight: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct OlistOrder {
    pub order_id: String,
    pub customer_id: String,
    /// As published: delivered, shipped, canceled, unavailable, invoiced,
    /// processing, created, approved.
    pub status: String,
    pub purchased_at: NaiveDateTime,
    pub approved_at: Option<NaiveDateTime>,
    pub handed_to_carrier_at: Option<NaiveDateTime>,
    pub delivered_at: Option<NaiveDateTime>,
    /// The promise the shop showed the buyer.
    pub estimated_delivery: Option<NaiveDate>,
    /// `None` when the customer is not in the customers file.
    pub customer: Option<OlistPlace>,
    pub items: Vec<OlistItem>,
}

impl OlistOrder {
    pub fn is_cancelled(&self) -> bool {
        matches!(self.status.as_str(), "canceled" | "cancelled" | "unavailable")
    }

    /// The seller who ships the order; the first item's (an order with
    /// several sellers is rare and ships in several parcels anyway).
    pub fn first_item(&self) -> Option<&OlistItem> {
        self.items.first()
    }
}

#[derive(Deserialize)]
struct OrderRow {
    order_id: String,
    customer_id: String,
    order_status: String,
    order_purchase_timestamp: String,
    order_approved_at: String,
    order_delivered_carrier_date: String,
    order_delivered_customer_date: String,
    order_estimated_delivery_date: String,
}

#[derive(Deserialize)]
struct ItemRow {
    order_id: String,
    order_item_id: u32,
    product_id: String,
    seller_id: String,
    shipping_limit_date: String,
    price: f64,
    freight_value: f64,
}

#[derive(Deserialize)]
struct CustomerRow {
    customer_id: String,
    customer_zip_code_prefix: String,
    customer_city: String,
    customer_state: String,
}

#[derive(Deserialize)]
struct SellerRow {
    seller_id: String,
    seller_zip_code_prefix: String,
    seller_city: String,
    seller_state: String,
}

/// Each data row with its line number (for errors that point at it).
fn rows<R: Read, T: for<'de> Deserialize<'de>>(
    file: &'static str,
    input: R,
) -> Result<impl Iterator<Item = Result<(u64, T), OlistError>>, OlistError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).trim(csv::Trim::All).from_reader(input);
    let headers = reader.headers().map_err(|e| OlistError::Row { file, line: 1, message: e.to_string() })?.clone();
    Ok(reader.into_records().map(move |record| {
        let record = record.map_err(|e| OlistError::Row {
            file,
            line: e.position().map(|p| p.line()).unwrap_or(0),
            message: e.to_string(),
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        record.deserialize(Some(&headers)).map(|row| (line, row)).map_err(|e| OlistError::Row {
            file,
            line,
            message: e.to_string(),
        })
    }))
}

/// `2017-02-04 13:57:51`; an empty field is a missing time.
fn time(file: &'static str, line: u64, field: &'static str, text: &str) -> Result<Option<NaiveDateTime>, OlistError> {
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M"))
        .map(Some)
        .map_err(|_| OlistError::Field {
            file,
            line,
            field,
            message: format!("expected YYYY-MM-DD HH:MM:SS, got {text:?}"),
        })
}

fn place(zip: String, city: String, state: String) -> OlistPlace {
    OlistPlace { zip_prefix: zip, city, state: state.to_uppercase() }
}

/// Reads the four files from a folder with the dataset's file names.
pub fn read_dir(dir: &Path) -> Result<Vec<OlistOrder>, OlistError> {
    let open = |name: &str| {
        let path = dir.join(name);
        std::fs::File::open(&path).map(std::io::BufReader::new).map_err(|source| OlistError::Open { path, source })
    };
    read(open(ORDERS)?, open(ORDER_ITEMS)?, open(CUSTOMERS)?, open(SELLERS)?)
}

/// Reads the four files and joins them into orders, in the orders file's order.
pub fn read(
    orders: impl Read,
    items: impl Read,
    customers: impl Read,
    sellers: impl Read,
) -> Result<Vec<OlistOrder>, OlistError> {
    let mut seller_places = HashMap::new();
    for row in rows::<_, SellerRow>(SELLERS, sellers)? {
        let (_, s) = row?;
        seller_places.insert(s.seller_id, place(s.seller_zip_code_prefix, s.seller_city, s.seller_state));
    }
    let mut customer_places = HashMap::new();
    for row in rows::<_, CustomerRow>(CUSTOMERS, customers)? {
        let (_, c) = row?;
        customer_places.insert(c.customer_id, place(c.customer_zip_code_prefix, c.customer_city, c.customer_state));
    }
    let mut order_items: HashMap<String, Vec<OlistItem>> = HashMap::new();
    for row in rows::<_, ItemRow>(ORDER_ITEMS, items)? {
        let (line, r) = row?;
        let item = OlistItem {
            item: r.order_item_id,
            product_id: r.product_id,
            seller: seller_places.get(&r.seller_id).cloned(),
            seller_id: r.seller_id,
            shipping_limit: time(ORDER_ITEMS, line, "shipping_limit_date", &r.shipping_limit_date)?,
            price: r.price,
            freight: r.freight_value,
        };
        order_items.entry(r.order_id).or_default().push(item);
    }
    let mut out = Vec::new();
    for row in rows::<_, OrderRow>(ORDERS, orders)? {
        let (line, r) = row?;
        let purchased_at =
            time(ORDERS, line, "order_purchase_timestamp", &r.order_purchase_timestamp)?.ok_or(OlistError::Field {
                file: ORDERS,
                line,
                field: "order_purchase_timestamp",
                message: "missing".into(),
            })?;
        let estimated = time(ORDERS, line, "order_estimated_delivery_date", &r.order_estimated_delivery_date)?;
        let mut items = order_items.remove(&r.order_id).unwrap_or_default();
        items.sort_by_key(|i| i.item);
        out.push(OlistOrder {
            customer: customer_places.get(&r.customer_id).cloned(),
            order_id: r.order_id,
            customer_id: r.customer_id,
            status: r.order_status.to_lowercase(),
            purchased_at,
            approved_at: time(ORDERS, line, "order_approved_at", &r.order_approved_at)?,
            handed_to_carrier_at: time(ORDERS, line, "order_delivered_carrier_date", &r.order_delivered_carrier_date)?,
            delivered_at: time(ORDERS, line, "order_delivered_customer_date", &r.order_delivered_customer_date)?,
            estimated_delivery: estimated.map(|t| t.date()),
            items,
        });
    }
    Ok(out)
}

/// Brazil's national holidays in a year: the fixed ones and those that
/// move with Easter (Carnival Monday and Tuesday, Good Friday, Corpus
/// Christi), on which carriers mostly do not deliver.
pub fn brazil_holidays(year: i32) -> Vec<NaiveDate> {
    let fixed = [(1, 1), (4, 21), (5, 1), (9, 7), (10, 12), (11, 2), (11, 15), (12, 25)];
    let easter = easter_sunday(year);
    let mut days: Vec<NaiveDate> = fixed.iter().filter_map(|(m, d)| NaiveDate::from_ymd_opt(year, *m, *d)).collect();
    for offset in [-48, -47, -2, 60] {
        days.push(easter + chrono::Duration::days(offset));
    }
    days.sort();
    days
}

/// The Gregorian Easter Sunday (the anonymous "Meeus/Jones/Butcher" rule).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("a valid Easter date")
}

/// The zone a Brazilian state's buyers live in (the main one where a state
/// has several): the dataset's times are São Paulo time, and a delivery
/// at 00:30 in São Paulo is the day before in Manaus.
pub fn state_zone(state: &str) -> chrono_tz::Tz {
    use chrono_tz::America;
    match state {
        "AM" | "RR" | "RO" | "MT" | "MS" => America::Manaus,
        "AC" => America::Rio_Branco,
        "PA" | "AP" => America::Belem,
        "PE" | "PB" | "RN" | "AL" | "SE" | "CE" | "PI" | "MA" | "BA" | "TO" => America::Recife,
        _ => America::Sao_Paulo,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn fixture_dir() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/olist")
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn the_hand_made_files_read_as_published() {
        let orders = read_dir(&fixture_dir()).unwrap();
        assert_eq!(orders.len(), 8);
        // Quoted and unquoted ids and times read the same.
        let third = &orders[2];
        assert_eq!(third.order_id, "a1000000000000000000000000000003");
        assert_eq!(third.handed_to_carrier_at, Some(at("2017-09-19 12:00:00")));
        assert_eq!(third.estimated_delivery, NaiveDate::from_ymd_opt(2017, 10, 2));
        // A comma inside a quoted field is part of the city.
        assert_eq!(third.customer.as_ref().unwrap().city, "rio de janeiro, centro");
        // Items in item order, whatever the file's order; the zip prefix keeps its zero.
        let fourth = &orders[3];
        assert_eq!(fourth.items.iter().map(|i| i.item).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(fourth.first_item().unwrap().seller.as_ref().unwrap().zip_prefix, "09080");
        assert_eq!(fourth.items[1].seller.as_ref().unwrap().city, "campinas \"cambui\"");
        assert_eq!(fourth.items[1].price, 5.0);
        // A cancelled order: no hand-over, no delivery, still read.
        let cancelled = &orders[5];
        assert!(cancelled.is_cancelled());
        assert_eq!((cancelled.approved_at, cancelled.handed_to_carrier_at, cancelled.delivered_at), (None, None, None));
        // Delivered, but the delivery time is missing.
        assert_eq!(orders[6].status, "delivered");
        assert_eq!(orders[6].delivered_at, None);
    }

    #[test]
    fn a_bad_time_names_the_file_line_and_field() {
        let orders = "order_id,customer_id,order_status,order_purchase_timestamp,order_approved_at,order_delivered_carrier_date,order_delivered_customer_date,order_estimated_delivery_date\n\
                      o1,c1,delivered,2017-10-02 09:00:00,,yesterday,,\n";
        let header = |h: &str| h.to_string() + "\n";
        let err = read(
            orders.as_bytes(),
            header("order_id,order_item_id,product_id,seller_id,shipping_limit_date,price,freight_value").as_bytes(),
            header("customer_id,customer_unique_id,customer_zip_code_prefix,customer_city,customer_state").as_bytes(),
            header("seller_id,seller_zip_code_prefix,seller_city,seller_state").as_bytes(),
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "olist_orders_dataset.csv line 2: field order_delivered_carrier_date: expected YYYY-MM-DD HH:MM:SS, got \"yesterday\"");
    }

    #[test]
    fn easter_and_carnival() {
        assert_eq!(easter_sunday(2017), NaiveDate::from_ymd_opt(2017, 4, 16).unwrap());
        assert_eq!(easter_sunday(2018), NaiveDate::from_ymd_opt(2018, 4, 1).unwrap());
        // Carnival 2018 was Monday 12 and Tuesday 13 February.
        let h = brazil_holidays(2018);
        assert!(h.contains(&NaiveDate::from_ymd_opt(2018, 2, 12).unwrap()));
        assert!(h.contains(&NaiveDate::from_ymd_opt(2018, 2, 13).unwrap()));
    }
}
