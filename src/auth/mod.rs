//! Who may see what. For now: the tracking links buyers open without a login.

pub mod tracking_link;
