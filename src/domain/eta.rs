//! Last-mile arrival estimates: remaining distance along the stops still
//! ahead, at the speed the vehicle has recently been moving, plus the time
//! each stop ahead takes; shown as a window that narrows as it gets close.

use super::geo::LatLng;
use chrono::{DateTime, Duration, DurationRound, Utc};

/// A position fix of the vehicle.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Fix {
    pub at: DateTime<Utc>,
    pub point: LatLng,
}

/// A delivery the vehicle makes before reaching this one.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct StopAhead {
    pub point: LatLng,
    pub service: Duration,
}

/// How the estimate is made; the defaults suit urban parcel delivery.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct EtaModel {
    /// Road distance over straight-line distance between stops.
    pub circuity: f64,
    /// Only the last this-long of fixes tell the current speed.
    pub speed_window: Duration,
    /// Used until the fixes say otherwise, in metres per second.
    pub default_speed: f64,
    pub min_speed: f64,
    pub max_speed: f64,
}

impl Default for EtaModel {
    fn default() -> Self {
        EtaModel {
            circuity: 1.3,
            speed_window: Duration::minutes(60),
            default_speed: 25.0 / 3.6,
            min_speed: 8.0 / 3.6,
            max_speed: 90.0 / 3.6,
        }
    }
}

/// When the vehicle should arrive, and the window shown to the buyer.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Eta {
    pub at: DateTime<Utc>,
    pub earliest: DateTime<Utc>,
    pub latest: DateTime<Utc>,
    pub remaining_m: f64,
    pub stops_ahead: usize,
}

/// Below this a vehicle is standing (at a stop, at lights), and that time
/// does not count as driving when the speed is measured.
const MOVING: f64 = 1.0;

impl EtaModel {
    /// Metres per second the vehicle has been driving at over the window,
    /// ignoring time spent standing; the default without enough fixes.
    pub fn recent_speed(&self, fixes: &[Fix]) -> f64 {
        let Some(last) = fixes.last() else { return self.default_speed };
        let since = last.at - self.speed_window;
        let (mut metres, mut seconds) = (0.0, 0.0);
        for pair in fixes.windows(2).filter(|p| p[0].at >= since) {
            let dt = (pair[1].at - pair[0].at).num_milliseconds() as f64 / 1000.0;
            if dt <= 0.0 {
                continue;
            }
            let d = pair[0].point.distance_m(pair[1].point);
            if d / dt >= MOVING {
                metres += d;
                seconds += dt;
            }
        }
        if seconds < 60.0 {
            return self.default_speed;
        }
        (metres / seconds).clamp(self.min_speed, self.max_speed)
    }

    /// The estimate from the latest fix, through the stops ahead (in route
    /// order), to the destination. `fixes` are oldest first.
    pub fn estimate(&self, fixes: &[Fix], stops_ahead: &[StopAhead], destination: LatLng) -> Option<Eta> {
        let from = fixes.last()?;
        let mut points = vec![from.point];
        points.extend(stops_ahead.iter().map(|s| s.point));
        points.push(destination);
        let straight: f64 = points.windows(2).map(|p| p[0].distance_m(p[1])).sum();
        let remaining_m = straight * self.circuity;
        let driving = remaining_m / self.recent_speed(fixes);
        let service: i64 = stops_ahead.iter().map(|s| s.service.num_seconds()).sum();
        let total = Duration::milliseconds((driving * 1000.0) as i64) + Duration::seconds(service);
        let at = from.at + total;
        // Uncertainty grows with what is left: a fifth of it, at least five
        // minutes either side, shown on five-minute marks, and never
        // starting before the vehicle's latest fix.
        let half = (total / 5).max(Duration::minutes(5));
        let five = Duration::minutes(5);
        let earliest = (at - half).duration_trunc(five).unwrap_or(at - half).max(from.at);
        let latest = (at + half).duration_round_up(five).unwrap_or(at + half);
        Some(Eta { at, earliest, latest, remaining_m, stops_ahead: stops_ahead.len() })
    }
}

/// Whether the vehicle is within `radius_m` of the destination: the
/// "arriving soon" geofence.
pub fn within(radius_m: f64, vehicle: LatLng, destination: LatLng) -> bool {
    vehicle.distance_m(destination) <= radius_m
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 13, 0, 0).unwrap()
    }

    /// A point `metres` north of the depot.
    fn north(metres: f64) -> LatLng {
        LatLng { lat: 41.8781 + metres / 111_195.0, lng: -87.6298 }
    }

    fn straight_model() -> EtaModel {
        EtaModel { circuity: 1.0, ..EtaModel::default() }
    }

    #[test]
    fn a_steady_vehicle_on_a_straight_road_arrives_when_expected() {
        // 10 m/s for 10 minutes, destination 6 km further on: 600 s more.
        let fixes: Vec<Fix> =
            (0..=20).map(|i| Fix { at: t0() + Duration::seconds(30 * i), point: north(300.0 * i as f64) }).collect();
        let eta = straight_model().estimate(&fixes, &[], north(6000.0 + 6000.0)).unwrap();
        let expected = t0() + Duration::seconds(600 + 600);
        assert!((eta.at - expected).num_seconds().abs() <= 2, "{} vs {expected}", eta.at);
        assert!((eta.remaining_m - 6000.0).abs() < 5.0);
        assert_eq!((eta.earliest, eta.latest), (expected - Duration::minutes(5), expected + Duration::minutes(5)));
        assert!(eta.earliest > fixes.last().unwrap().at);
    }

    #[test]
    fn stops_ahead_add_their_service_time_and_their_detours() {
        let fixes: Vec<Fix> =
            (0..=10).map(|i| Fix { at: t0() + Duration::seconds(60 * i), point: north(600.0 * i as f64) }).collect();
        let destination = north(12_000.0);
        let direct = straight_model().estimate(&fixes, &[], destination).unwrap();
        // Two stops on the way (no detour) of 4 minutes each: 8 minutes later.
        let on_the_way = [
            StopAhead { point: north(8_000.0), service: Duration::minutes(4) },
            StopAhead { point: north(10_000.0), service: Duration::minutes(4) },
        ];
        let with_stops = straight_model().estimate(&fixes, &on_the_way, destination).unwrap();
        assert_eq!((with_stops.at - direct.at).num_seconds(), 480);
        assert_eq!(with_stops.stops_ahead, 2);
        // A stop 1 km back the way it came adds 2 km of driving (200 s at 10 m/s).
        let detour = [StopAhead { point: north(5_000.0), service: Duration::zero() }];
        let back = straight_model().estimate(&fixes, &detour, destination).unwrap();
        assert!(((back.at - direct.at).num_seconds() - 200).abs() <= 1);
    }

    #[test]
    fn standing_at_a_stop_does_not_make_the_vehicle_slow() {
        let mut fixes: Vec<Fix> =
            (0..=5).map(|i| Fix { at: t0() + Duration::seconds(60 * i), point: north(600.0 * i as f64) }).collect();
        // Then five minutes parked at the same spot.
        for i in 1..=5 {
            fixes.push(Fix { at: t0() + Duration::seconds(300 + 60 * i), point: north(3000.0) });
        }
        assert!((straight_model().recent_speed(&fixes) - 10.0).abs() < 0.01);
    }

    #[test]
    fn without_history_the_default_speed_is_used_and_bounds_hold() {
        let model = EtaModel::default();
        let one = [Fix { at: t0(), point: north(0.0) }];
        assert_eq!(model.recent_speed(&one), model.default_speed);
        assert_eq!(model.recent_speed(&[]), model.default_speed);
        assert!(model.estimate(&[], &[], north(1.0)).is_none());
        // A GPS jump (10 km in 2 minutes) is clamped to the top speed.
        let jump =
            [Fix { at: t0(), point: north(0.0) }, Fix { at: t0() + Duration::minutes(2), point: north(10_000.0) }];
        assert_eq!(model.recent_speed(&jump), model.max_speed);
    }

    #[test]
    fn the_window_sits_on_five_minute_marks_and_narrows_near_the_end() {
        let fixes: Vec<Fix> =
            (0..=4).map(|i| Fix { at: t0() + Duration::seconds(30 * i + 7), point: north(150.0 * i as f64) }).collect();
        let far = straight_model().estimate(&fixes, &[], north(30_000.0)).unwrap();
        let near = straight_model().estimate(&fixes, &[], north(1_000.0)).unwrap();
        let latest_fix = fixes.last().unwrap().at;
        for eta in [far, near] {
            assert!(eta.earliest.timestamp() % 300 == 0 || eta.earliest == latest_fix);
            assert_eq!(eta.latest.timestamp() % 300, 0);
            assert!(eta.earliest <= eta.at && eta.at <= eta.latest);
        }
        assert_eq!(near.earliest, latest_fix, "a window never opens in the past");
        assert!(far.latest - far.earliest > near.latest - near.earliest);
        assert!(near.latest - near.earliest <= Duration::minutes(15));
    }

    #[test]
    fn the_geofence_is_a_radius_around_the_destination() {
        assert!(within(500.0, north(0.0), north(499.0)));
        assert!(!within(500.0, north(0.0), north(501.0)));
    }

    /// A tiny deterministic generator, so the simulation is the same every run.
    struct Lcg(u64);
    impl Lcg {
        fn unit(&mut self) -> f64 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
        fn between(&mut self, low: f64, high: f64) -> f64 {
            low + (high - low) * self.unit()
        }
    }

    /// ETA error on synthetic city routes with known answers: 200 vans, each
    /// with 8 stops scattered over 10 km, roads 15-45% longer than the
    /// straight line, each leg at its own speed (15-45 km/h) and each stop
    /// taking 2-6 minutes where the route said 4. Every 30 s fix estimates
    /// the last stop's arrival; the error is against when it really arrived.
    /// `cargo nextest run --features ssr eta_error --no-capture` prints it.
    #[test]
    fn eta_error_on_synthetic_routes() {
        let mut rng = Lcg(42);
        let model = EtaModel::default();
        // (minutes to go, absolute error in minutes, truth inside the window shown)
        let mut errors: Vec<(f64, f64, bool)> = Vec::new();
        for _ in 0..200 {
            let depot = LatLng { lat: 41.88, lng: -87.63 };
            let stops: Vec<LatLng> = (0..8)
                .map(|_| LatLng {
                    lat: depot.lat + rng.between(-0.045, 0.045),
                    lng: depot.lng + rng.between(-0.06, 0.06),
                })
                .collect();
            // Drive it: (time, position) every 30 s, and when each stop was reached.
            let mut fixes = vec![Fix { at: t0(), point: depot }];
            let mut arrivals = Vec::new();
            let mut now = t0();
            let mut here = depot;
            for stop in &stops {
                let road = here.distance_m(*stop) * rng.between(1.15, 1.45);
                let speed = rng.between(15.0, 45.0) / 3.6;
                let leg_seconds = road / speed;
                let steps = (leg_seconds / 30.0).ceil() as i64;
                for step in 1..=steps {
                    let fraction = (step as f64 * 30.0 / leg_seconds).min(1.0);
                    fixes.push(Fix { at: now + Duration::seconds(30 * step), point: here.towards(*stop, fraction) });
                }
                now += Duration::milliseconds((leg_seconds * 1000.0) as i64);
                arrivals.push(now);
                let service = Duration::seconds(rng.between(120.0, 360.0) as i64);
                for step in 1..=(service.num_seconds() / 30) {
                    fixes.push(Fix { at: now + Duration::seconds(30 * step), point: *stop });
                }
                now += service;
                here = *stop;
            }
            let truth = arrivals[7];
            for (i, fix) in fixes.iter().enumerate().filter(|(_, f)| f.at < truth) {
                let done = arrivals.iter().filter(|a| **a <= fix.at).count();
                let ahead: Vec<StopAhead> =
                    stops[done..7].iter().map(|p| StopAhead { point: *p, service: Duration::minutes(4) }).collect();
                let eta = model.estimate(&fixes[..=i], &ahead, stops[7]).unwrap();
                let to_go = (truth - fix.at).num_seconds() as f64 / 60.0;
                let inside = eta.earliest <= truth && truth <= eta.latest;
                errors.push((to_go, (eta.at - truth).num_seconds().abs() as f64 / 60.0, inside));
            }
        }
        let summary = |low: f64, high: f64| {
            let bucket: Vec<&(f64, f64, bool)> = errors.iter().filter(|(t, ..)| (low..high).contains(t)).collect();
            let mut e: Vec<f64> = bucket.iter().map(|(_, e, _)| *e).collect();
            e.sort_by(|a, b| a.partial_cmp(b).unwrap());
            let inside = bucket.iter().filter(|(.., inside)| *inside).count() as f64 / bucket.len() as f64;
            (e[e.len() / 2], e[e.len() * 9 / 10], inside, e.len())
        };
        for (low, high) in [(0.0, 15.0), (15.0, 60.0), (60.0, 1e9)] {
            let (median, p90, inside, n) = summary(low, high);
            println!(
                "ETA error, {low}-{high} min to go: median {median:.1} min, p90 {p90:.1} min, arrival inside the \
                 window shown {:.0}% ({n} estimates)",
                inside * 100.0
            );
        }
        // Bounds a regression in the model would break; the simulation is
        // deliberately harder than a real route (every leg its own speed).
        let (median, p90, inside, _) = summary(0.0, 15.0);
        assert!(median < 3.0 && p90 < 10.0 && inside > 0.7, "{median} / {p90} / {inside}");
        let (median, _, inside, _) = summary(0.0, 1e9);
        assert!(median < 20.0 && inside > 0.4, "{median} / {inside}");
    }
}
