//! Condition monitoring: what sensors measure, the limits goods are held
//! to, and when a reading opens or closes an excursion. (The chart of
//! readings against limits is drawn by `ui::components::condition_chart`.)

use chrono::{DateTime, Utc};

/// What a sensor reports, with the unit in the name.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Metric {
    TemperatureC,
    HumidityPct,
    ShockG,
    /// 1 while a door is open, 0 when shut.
    DoorOpen,
    BatteryPct,
}

impl Metric {
    pub const ALL: [Metric; 5] =
        [Metric::TemperatureC, Metric::HumidityPct, Metric::ShockG, Metric::DoorOpen, Metric::BatteryPct];

    pub fn code(self) -> &'static str {
        match self {
            Metric::TemperatureC => "temperature_c",
            Metric::HumidityPct => "humidity_pct",
            Metric::ShockG => "shock_g",
            Metric::DoorOpen => "door_open",
            Metric::BatteryPct => "battery_pct",
        }
    }

    pub fn parse(code: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Metric::TemperatureC => "Temperature (°C)",
            Metric::HumidityPct => "Humidity (%)",
            Metric::ShockG => "Shock (g)",
            Metric::DoorOpen => "Door open",
            Metric::BatteryPct => "Battery (%)",
        }
    }

    /// Values a working sensor can report; anything else is a bad reading.
    pub fn plausible(self) -> std::ops::RangeInclusive<f64> {
        match self {
            Metric::TemperatureC => -100.0..=150.0,
            Metric::HumidityPct | Metric::BatteryPct => 0.0..=100.0,
            Metric::ShockG => 0.0..=1000.0,
            Metric::DoorOpen => 0.0..=1.0,
        }
    }
}

/// The range goods must stay in; either end may be open.
#[derive(Copy, Clone, Debug, Default, PartialEq)]
pub struct Limits {
    pub min: Option<f64>,
    pub max: Option<f64>,
}

impl Limits {
    pub fn allows(&self, value: f64) -> bool {
        self.min.is_none_or(|min| value >= min) && self.max.is_none_or(|max| value <= max)
    }
}

/// What one reading does to the shipment's excursion state for its metric.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Opens,
    Closes,
    Continues,
    Nothing,
}

/// Once per excursion: the first reading out of range opens it, further
/// ones continue it, the first back in range closes it.
pub fn change(limits: Limits, excursion_open: bool, value: f64) -> Change {
    match (limits.allows(value), excursion_open) {
        (false, false) => Change::Opens,
        (false, true) => Change::Continues,
        (true, true) => Change::Closes,
        (true, false) => Change::Nothing,
    }
}

/// A time span during which readings were out of range.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Span {
    pub from: DateTime<Utc>,
    pub to: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRIDGE: Limits = Limits { min: Some(2.0), max: Some(8.0) };

    #[test]
    fn an_excursion_opens_once_and_closes_when_back_in_range() {
        let readings = [5.0, 7.9, 8.4, 11.0, 9.0, 8.0, 6.0, 1.5, 3.0];
        let mut open = false;
        let mut changes = Vec::new();
        for value in readings {
            let c = change(FRIDGE, open, value);
            open = matches!(c, Change::Opens | Change::Continues);
            changes.push(c);
        }
        use Change::*;
        assert_eq!(changes, [Nothing, Nothing, Opens, Continues, Continues, Closes, Nothing, Opens, Closes]);
    }

    #[test]
    fn open_ended_limits_and_door_sensors() {
        let battery = Limits { min: Some(15.0), max: None };
        assert!(battery.allows(100.0) && !battery.allows(14.9));
        let shut = Limits { min: None, max: Some(0.0) };
        assert_eq!(change(shut, false, 1.0), Change::Opens);
        assert!(Limits::default().allows(-40.0));
        assert_eq!(Metric::parse("door_open"), Some(Metric::DoorOpen));
        assert_eq!(Metric::parse("door"), None);
        assert!(!Metric::HumidityPct.plausible().contains(&101.0));
    }
}
