//! Where an order goes: the ship-to address, the zone its clocks keep and
//! its point on the map, and the ways it is written out (a label, a line in
//! a list, a receiving site). Formatting lives here so every page writes an
//! address the same way.

use super::zone::TimeZone;
use super::LatLng;

/// An order's delivery address.
#[derive(Clone, Debug, PartialEq)]
pub struct ShipTo {
    /// Who or what receives it: a person, a store, a dock.
    pub name: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub region: Option<String>,
    pub postcode: String,
    pub country: String,
    /// Times on the tracking page and in the portal are shown in this zone;
    /// quiet hours are kept in it.
    pub time_zone: TimeZone,
    /// Where the delivery goes on the map (and what the ETA aims at).
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

impl ShipTo {
    /// The address as it is written on a label, one line each. Blank parts
    /// are left out: an order accepted without a complete ship-to (flagged
    /// for staff) shows what it has, not empty lines.
    pub fn address_lines(&self) -> Vec<String> {
        label_lines(
            &self.name,
            &self.line1,
            self.line2.as_deref(),
            &self.city,
            self.region.as_deref(),
            &self.postcode,
            &self.country,
        )
    }

    /// The destination on the map, when it has valid coordinates.
    pub fn location(&self) -> Option<LatLng> {
        self.latitude.zip(self.longitude).and_then(|(lat, lng)| LatLng::parse(lat, lng).ok())
    }

    pub fn site(&self) -> Site {
        Site { name: self.name.clone(), postcode: self.postcode.clone(), city: self.city.clone() }
    }
}

/// An address as written on a label (a ship-to, a return address), one
/// line each, blank parts left out: town, region and postcode share a line.
pub fn label_lines(
    name: &str,
    line1: &str,
    line2: Option<&str>,
    city: &str,
    region: Option<&str>,
    postcode: &str,
    country: &str,
) -> Vec<String> {
    let town = [Some(city), region, Some(postcode)]
        .into_iter()
        .flatten()
        .filter(|part| !part.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    [Some(name), Some(line1), line2, Some(town.as_str()), Some(country)]
        .into_iter()
        .flatten()
        .filter(|line| !line.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// The part of a ship-to people recognise a place by: a receiver's site, a
/// row in an order list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    pub name: String,
    pub postcode: String,
    pub city: String,
}

impl Site {
    /// "Dock 4, 78701 Austin": a cell in a list.
    pub fn one_line(&self) -> String {
        format!("{}, {} {}", self.name, self.postcode, self.city)
    }

    /// "Dock 4 (78701 Austin)": a choice among the sites.
    pub fn label(&self) -> String {
        format!("{} ({} {})", self.name, self.postcode, self.city)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dock() -> ShipTo {
        ShipTo {
            name: "Dock 4".into(),
            line1: "1 Loop Rd".into(),
            line2: None,
            city: "Austin".into(),
            region: None,
            postcode: "78701".into(),
            country: "US".into(),
            time_zone: TimeZone::parse("America/Chicago").unwrap(),
            latitude: None,
            longitude: None,
        }
    }

    #[test]
    fn a_label_has_one_line_per_part_and_skips_the_missing_ones() {
        assert_eq!(dock().address_lines(), ["Dock 4", "1 Loop Rd", "Austin 78701", "US"]);
        let full = ShipTo { line2: Some("Gate B".into()), region: Some("TX".into()), ..dock() };
        assert_eq!(full.address_lines(), ["Dock 4", "1 Loop Rd", "Gate B", "Austin TX 78701", "US"]);
        let incomplete = ShipTo { line1: String::new(), city: String::new(), postcode: " ".into(), ..dock() };
        assert_eq!(incomplete.address_lines(), ["Dock 4", "US"]);
    }

    #[test]
    fn a_site_is_written_on_one_line_or_as_a_choice() {
        let site = dock().site();
        assert_eq!(site, Site { name: "Dock 4".into(), postcode: "78701".into(), city: "Austin".into() });
        assert_eq!(site.one_line(), "Dock 4, 78701 Austin");
        assert_eq!(site.label(), "Dock 4 (78701 Austin)");
    }

    #[test]
    fn the_location_needs_both_coordinates_in_range() {
        assert_eq!(dock().location(), None);
        let placed = ShipTo { latitude: Some(30.27), longitude: Some(-97.74), ..dock() };
        assert_eq!(placed.location(), Some(LatLng { lat: 30.27, lng: -97.74 }));
        assert_eq!(ShipTo { latitude: Some(30.27), ..dock() }.location(), None);
        assert_eq!(ShipTo { latitude: Some(95.0), longitude: Some(0.0), ..dock() }.location(), None);
    }
}
