//! Points on the earth and the distances between them.

use serde::{Deserialize, Serialize};

/// A WGS 84 position that cannot hold an impossible coordinate.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LatLng {
    pub lat: f64,
    pub lng: f64,
}

/// Which coordinate was out of range, for an error that names the field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CoordinateError {
    #[error("latitude {0} is outside -90..90")]
    Latitude(f64),
    #[error("longitude {0} is outside -180..180")]
    Longitude(f64),
}

impl CoordinateError {
    /// Which field of a latitude/longitude pair is wrong.
    pub fn field(&self) -> &'static str {
        match self {
            CoordinateError::Latitude(_) => "latitude",
            CoordinateError::Longitude(_) => "longitude",
        }
    }
}

const EARTH_RADIUS_M: f64 = 6_371_008.8;

impl LatLng {
    pub fn parse(lat: f64, lng: f64) -> Result<Self, CoordinateError> {
        if !(-90.0..=90.0).contains(&lat) {
            return Err(CoordinateError::Latitude(lat));
        }
        if !(-180.0..=180.0).contains(&lng) {
            return Err(CoordinateError::Longitude(lng));
        }
        Ok(LatLng { lat, lng })
    }

    /// Great-circle distance in metres (haversine; good to ~0.5% for the
    /// distances a delivery vehicle covers).
    pub fn distance_m(self, other: LatLng) -> f64 {
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lng - self.lng).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_M * a.sqrt().asin()
    }

    /// The point `fraction` of the way to `other` (straight in lat/lng,
    /// which is close enough over a city).
    pub fn towards(self, other: LatLng, fraction: f64) -> LatLng {
        LatLng { lat: self.lat + (other.lat - self.lat) * fraction, lng: self.lng + (other.lng - self.lng) * fraction }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_coordinates_are_refused() {
        assert_eq!(LatLng::parse(91.0, 0.0), Err(CoordinateError::Latitude(91.0)));
        assert_eq!(LatLng::parse(0.0, -180.5), Err(CoordinateError::Longitude(-180.5)));
        assert!(LatLng::parse(f64::NAN, 0.0).is_err());
        assert!(LatLng::parse(-90.0, 180.0).is_ok());
    }

    #[test]
    fn distances_match_known_ones() {
        let paris = LatLng::parse(48.8566, 2.3522).unwrap();
        let london = LatLng::parse(51.5074, -0.1278).unwrap();
        let km = paris.distance_m(london) / 1000.0;
        assert!((km - 343.5).abs() < 1.0, "{km}");
        // One degree of latitude is about 111.2 km everywhere.
        let a = LatLng::parse(10.0, 20.0).unwrap();
        let b = LatLng::parse(11.0, 20.0).unwrap();
        assert!((a.distance_m(b) - 111_195.0).abs() < 10.0);
        assert_eq!(a.distance_m(a), 0.0);
    }
}
