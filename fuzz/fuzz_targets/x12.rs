//! Any bytes through the X12 envelope parser and, whatever the set id, every
//! transaction reader: each must return a value or an error, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use milepost::ingest::x12::{self, po_acknowledgment, purchase_order, ship_notice, shipment_status};

fuzz_target!(|data: &[u8]| {
    let Ok(interchange) = x12::parse(data) else { return };
    let local = chrono_tz::America::Chicago;
    for transaction in interchange.groups.iter().flat_map(|g| &g.transactions) {
        if let Ok(status) = shipment_status::read(transaction, local) {
            let _ = status.carrier_events(&interchange.sender);
        }
        if let Ok(notice) = ship_notice::read(transaction, local) {
            for order in &notice.orders {
                let _ = order.all_items();
                let _ = order.first_pack_tracking_number();
            }
        }
        let _ = purchase_order::read(transaction);
        if let Ok(ack) = po_acknowledgment::read(transaction) {
            let _: Vec<_> = ack.lines.iter().map(|l| l.change()).collect();
        }
    }
});
