//! Condition monitoring: what sensors measure, the limits goods are held
//! to, when a reading opens or closes an excursion, and the chart that
//! shows readings against limits.

use chrono::{DateTime, Utc};
use std::fmt::Write;

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

/// Readings against limits as a self-contained SVG: the readings line,
/// dashed limit lines, excursions shaded. No scripts, no external parts.
pub fn chart_svg(metric: Metric, readings: &[(DateTime<Utc>, f64)], limits: Limits, excursions: &[Span]) -> String {
    const W: f64 = 640.0;
    const H: f64 = 240.0;
    const PAD: f64 = 36.0;
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" aria-label="{} readings against limits">"##,
        metric.label()
    );
    svg.push_str(r##"<rect width="100%" height="100%" fill="#fff"/>"##);
    let (Some(first), Some(last)) = (readings.first(), readings.last()) else {
        svg.push_str(r##"<text x="20" y="40" font-family="sans-serif" font-size="14" fill="#475569">No readings yet</text></svg>"##);
        return svg;
    };
    let values = readings.iter().map(|(_, v)| *v).chain(limits.min).chain(limits.max);
    let (mut low, mut high) = values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let margin = ((high - low) * 0.1).max(0.5);
    (low, high) = (low - margin, high + margin);
    let span = (last.0 - first.0).num_milliseconds().max(1) as f64;
    let x = |at: DateTime<Utc>| PAD + (at - first.0).num_milliseconds() as f64 / span * (W - 2.0 * PAD);
    let y = |v: f64| H - PAD - (v - low) / (high - low) * (H - 2.0 * PAD);
    for excursion in excursions {
        let (from, to) = (x(excursion.from.max(first.0)), x(excursion.to.unwrap_or(last.0).min(last.0)));
        let _ = write!(
            svg,
            r##"<rect class="excursion" x="{from:.1}" y="{PAD}" width="{:.1}" height="{:.1}" fill="#fee2e2"/>"##,
            (to - from).max(1.0),
            H - 2.0 * PAD
        );
    }
    for (name, limit) in [("min", limits.min), ("max", limits.max)] {
        if let Some(value) = limit {
            let _ = write!(
                svg,
                r##"<line class="limit-{name}" x1="{PAD}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#dc2626" stroke-dasharray="6 4"/><text x="{:.1}" y="{:.1}" font-family="sans-serif" font-size="11" fill="#dc2626">{name} {value}</text>"##,
                W - PAD,
                y(value),
                y(value),
                W - PAD - 48.0,
                y(value) - 4.0
            );
        }
    }
    let points: Vec<String> = readings.iter().map(|(at, v)| format!("{:.1},{:.1}", x(*at), y(*v))).collect();
    let _ = write!(
        svg,
        r##"<polyline class="readings" fill="none" stroke="#0f172a" stroke-width="2" points="{}"/>"##,
        points.join(" ")
    );
    let _ = write!(
        svg,
        r##"<text x="{PAD}" y="{:.1}" font-family="sans-serif" font-size="11" fill="#475569">{} UTC</text><text x="{:.1}" y="{:.1}" font-family="sans-serif" font-size="11" fill="#475569" text-anchor="end">{} UTC</text><text x="{PAD}" y="16" font-family="sans-serif" font-size="12" fill="#0f172a">{}</text></svg>"##,
        H - 10.0,
        first.0.format("%b %-d %H:%M"),
        W - PAD,
        H - 10.0,
        last.0.format("%b %-d %H:%M"),
        metric.label()
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

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

    #[test]
    fn the_chart_draws_readings_limits_and_excursions() {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 28, 6, 0, 0).unwrap();
        let readings: Vec<_> = (0..10).map(|i| (t0 + Duration::minutes(15 * i), 4.0 + i as f64)).collect();
        let svg =
            chart_svg(Metric::TemperatureC, &readings, FRIDGE, &[Span { from: t0 + Duration::minutes(75), to: None }]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        let polyline = svg.split(r#"class="readings""#).nth(1).unwrap();
        let points = polyline.split("points=\"").nth(1).unwrap().split('"').next().unwrap();
        assert_eq!(points.split(' ').count(), 10);
        assert!(svg.contains(r#"class="limit-min""#) && svg.contains(r#"class="limit-max""#));
        assert_eq!(svg.matches(r#"class="excursion""#).count(), 1);
        assert!(!svg.contains("<script"));
        assert!(chart_svg(Metric::ShockG, &[], Limits::default(), &[]).contains("No readings yet"));
    }
}
