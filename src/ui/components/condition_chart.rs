//! A shipment's readings against its limits, as a self-contained SVG image
//! (`GET .../conditions/{metric}/chart.svg`): the readings line, dashed
//! limit lines, excursions shaded. No scripts, no external parts.

use crate::domain::condition::{Limits, Metric, Span};
use chrono::{DateTime, Utc};
use leptos::prelude::*;

const W: f64 = 640.0;
const H: f64 = 240.0;
const PAD: f64 = 36.0;

/// The chart as an SVG document.
pub fn chart_svg(metric: Metric, readings: &[(DateTime<Utc>, f64)], limits: Limits, excursions: &[Span]) -> String {
    let readings = readings.to_vec();
    let excursions = excursions.to_vec();
    let markup = crate::shell::to_html(move || view! { <ConditionChart metric readings limits excursions/> });
    // Leptos ends each list and each absent part with `<!>`, a mark for
    // hydration that HTML reads as an empty comment. An image is never
    // hydrated, and in XML the mark is an error that stops the image
    // drawing. Text cannot contain it (Leptos escapes `<`), and no
    // attribute here holds anything but numbers and fixed words.
    markup.replace("<!>", "")
}

#[component]
fn ConditionChart(
    metric: Metric,
    readings: Vec<(DateTime<Utc>, f64)>,
    limits: Limits,
    excursions: Vec<Span>,
) -> impl IntoView {
    let (Some(&first), Some(&last)) = (readings.first(), readings.last()) else {
        return view! {
            <Frame metric>
                <text x="20" y="40" font-family="sans-serif" font-size="14" fill="#475569">"No readings yet"</text>
            </Frame>
        }
        .into_any();
    };
    let values = readings.iter().map(|(_, v)| *v).chain(limits.min).chain(limits.max);
    let (mut low, mut high) = values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let margin = ((high - low) * 0.1).max(0.5);
    (low, high) = (low - margin, high + margin);
    let span = (last.0 - first.0).num_milliseconds().max(1) as f64;
    let x = move |at: DateTime<Utc>| PAD + (at - first.0).num_milliseconds() as f64 / span * (W - 2.0 * PAD);
    let y = move |v: f64| H - PAD - (v - low) / (high - low) * (H - 2.0 * PAD);
    let excursions = excursions
        .iter()
        .map(|excursion| {
            let (from, to) = (x(excursion.from.max(first.0)), x(excursion.to.unwrap_or(last.0).min(last.0)));
            view! {
                <rect
                    class="excursion"
                    x=format!("{from:.1}")
                    y=PAD.to_string()
                    width=format!("{:.1}", (to - from).max(1.0))
                    height=format!("{:.1}", H - 2.0 * PAD)
                    fill="#fee2e2"
                ></rect>
            }
        })
        .collect_view();
    let limit_lines = [("min", limits.min), ("max", limits.max)]
        .into_iter()
        .filter_map(|(name, limit)| limit.map(|value| (name, value)))
        .map(|(name, value)| {
            let at = format!("{:.1}", y(value));
            view! {
                <line
                    class=format!("limit-{name}")
                    x1=PAD.to_string()
                    x2=format!("{:.1}", W - PAD)
                    y1=at.clone()
                    y2=at
                    stroke="#dc2626"
                    stroke-dasharray="6 4"
                ></line>
                <text
                    x=format!("{:.1}", W - PAD - 48.0)
                    y=format!("{:.1}", y(value) - 4.0)
                    font-family="sans-serif"
                    font-size="11"
                    fill="#dc2626"
                >
                    {format!("{name} {value}")}
                </text>
            }
        })
        .collect_view();
    let points: Vec<String> = readings.iter().map(|(at, v)| format!("{:.1},{:.1}", x(*at), y(*v))).collect();
    let axis = format!("{:.1}", H - 10.0);
    view! {
        <Frame metric>
            {excursions}
            {limit_lines}
            <polyline class="readings" fill="none" stroke="#0f172a" stroke-width="2" points=points.join(" ")></polyline>
            <text x=PAD.to_string() y=axis.clone() font-family="sans-serif" font-size="11" fill="#475569">
                {format!("{} UTC", first.0.format("%b %-d %H:%M"))}
            </text>
            <text
                x=format!("{:.1}", W - PAD)
                y=axis
                font-family="sans-serif"
                font-size="11"
                fill="#475569"
                text-anchor="end"
            >
                {format!("{} UTC", last.0.format("%b %-d %H:%M"))}
            </text>
            <text x=PAD.to_string() y="16" font-family="sans-serif" font-size="12" fill="#0f172a">
                {metric.label()}
            </text>
        </Frame>
    }
    .into_any()
}

/// The image's frame: size, label for screen readers, white ground.
#[component]
fn Frame(metric: Metric, children: Children) -> impl IntoView {
    view! {
        <svg
            xmlns="http://www.w3.org/2000/svg"
            viewBox=format!("0 0 {W} {H}")
            width=W.to_string()
            height=H.to_string()
            role="img"
            aria-label=format!("{} readings against limits", metric.label())
        >
            <rect width="100%" height="100%" fill="#fff"></rect>
            {children()}
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    const FRIDGE: Limits = Limits { min: Some(2.0), max: Some(8.0) };

    #[test]
    fn the_chart_draws_readings_limits_and_excursions() {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 28, 6, 0, 0).unwrap();
        let readings: Vec<_> = (0..10).map(|i| (t0 + Duration::minutes(15 * i), 4.0 + i as f64)).collect();
        let svg =
            chart_svg(Metric::TemperatureC, &readings, FRIDGE, &[Span { from: t0 + Duration::minutes(75), to: None }]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{svg}");
        let polyline = svg.split("<polyline").nth(1).unwrap().split('>').next().unwrap();
        assert!(polyline.contains(r#"class="readings""#), "{polyline}");
        let points = polyline.split("points=\"").nth(1).unwrap().split('"').next().unwrap();
        assert_eq!(points.split(' ').count(), 10);
        assert!(svg.contains(r#"class="limit-min""#) && svg.contains(r#"class="limit-max""#));
        assert_eq!(svg.matches(r#"class="excursion""#).count(), 1);
        assert!(!svg.contains("<script"));
        assert!(chart_svg(Metric::ShockG, &[], Limits::default(), &[]).contains("No readings yet"));
    }

    /// Served as `image/svg+xml`, the chart must be well-formed XML (an
    /// HTML-only serialisation, such as an unclosed `<rect>`, breaks it).
    #[test]
    fn the_chart_is_well_formed_xml() {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 28, 6, 0, 0).unwrap();
        let readings: Vec<_> = (0..4).map(|i| (t0 + Duration::minutes(15 * i), 9.0 - i as f64)).collect();
        for svg in [
            chart_svg(
                Metric::TemperatureC,
                &readings,
                FRIDGE,
                &[Span { from: t0, to: Some(t0 + Duration::minutes(20)) }],
            ),
            chart_svg(Metric::ShockG, &[], Limits::default(), &[]),
        ] {
            let script = "import sys, xml.dom.minidom; d = xml.dom.minidom.parseString(sys.stdin.read()); \
                          assert d.documentElement.tagName == 'svg', d.documentElement.tagName";
            let mut child = std::process::Command::new("python3")
                .args(["-c", script])
                .stdin(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            std::io::Write::write_all(&mut child.stdin.take().unwrap(), svg.as_bytes()).unwrap();
            assert!(child.wait().unwrap().success(), "not well-formed XML: {svg}");
        }
    }
}
