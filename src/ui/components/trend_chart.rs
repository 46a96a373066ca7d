//! A weekly trend as an inline SVG drawn on the server: one line, a dot
//! per week with data, gaps where a week has too little to say. It scales
//! to its container (a phone's width included) through its `viewBox`, and
//! carries a text summary for screen readers and for anyone who prefers
//! the number.

use leptos::prelude::*;

const W: f64 = 320.0;
const H: f64 = 120.0;
const LEFT: f64 = 34.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 20.0;

/// How a chart's values read.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Unit {
    /// 0..1 shown as a percentage, on a fixed 0–100 % axis.
    Share,
    /// Hours, shown as hours or days.
    Hours,
    /// A plain number (per order, per 1,000 orders).
    Number,
}

impl Unit {
    pub fn format(self, value: f64) -> String {
        match self {
            Unit::Share => format!("{:.0}%", value * 100.0),
            Unit::Hours if value >= 48.0 => format!("{:.1} d", value / 24.0),
            Unit::Hours => format!("{value:.0} h"),
            Unit::Number if value >= 100.0 => format!("{value:.0}"),
            Unit::Number => format!("{value:.2}"),
        }
    }
}

/// The polyline runs (weeks with data next to each other) and each dot,
/// in chart coordinates, with the axis top.
pub fn layout(values: &[Option<f64>], unit: Unit) -> (Vec<Vec<(f64, f64)>>, Vec<(f64, f64)>, f64) {
    let top = match unit {
        Unit::Share => 1.0,
        _ => values.iter().flatten().fold(0.0f64, |a, &b| a.max(b)).max(f64::EPSILON) * 1.1,
    };
    let n = values.len().max(2) as f64 - 1.0;
    let x = |i: usize| LEFT + (W - LEFT - RIGHT) * i as f64 / n;
    let y = |v: f64| TOP + (H - TOP - BOTTOM) * (1.0 - (v / top).clamp(0.0, 1.0));
    let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut dots = Vec::new();
    let mut open = false;
    for (i, value) in values.iter().enumerate() {
        match value {
            Some(v) => {
                let point = (x(i), y(*v));
                dots.push(point);
                if !open {
                    runs.push(Vec::new());
                    open = true;
                }
                runs.last_mut().expect("a run was opened").push(point);
            }
            None => open = false,
        }
    }
    (runs, dots, top)
}

/// `weeks` are the labels (YYYY-MM-DD Mondays), `values` one per week.
#[component]
pub fn TrendChart(title: String, weeks: Vec<String>, values: Vec<Option<f64>>, unit: Unit) -> impl IntoView {
    let latest = values.iter().rev().flatten().next().copied();
    let known = values.iter().flatten().count();
    let summary = match latest {
        Some(v) => format!("{title}: latest week {}, {known} of {} weeks with data", unit.format(v), values.len()),
        None => format!("{title}: not enough data in these weeks"),
    };
    let (runs, dots, top) = layout(&values, unit);
    let first = weeks.first().cloned().unwrap_or_default();
    let last = weeks.last().cloned().unwrap_or_default();
    let headline = latest.map(|v| unit.format(v)).unwrap_or_else(|| "not enough data".into());
    let top_label = unit.format(top);
    let baseline = H - BOTTOM;
    let label = summary.clone();
    view! {
        <figure class="rounded-xl bg-white p-3 shadow-sm ring-1 ring-slate-200" data-testid="trend-chart">
            <figcaption class="flex items-baseline justify-between gap-2 text-sm">
                <span class="font-medium text-slate-700">{title.clone()}</span>
                <span class="font-semibold text-slate-900">{headline}</span>
            </figcaption>
            <svg viewBox=format!("0 0 {W} {H}") class="mt-1 h-auto w-full" role="img" aria-label=label
                xmlns="http://www.w3.org/2000/svg">
                <title>{summary}</title>
                <line x1=LEFT.to_string() y1=TOP.to_string() x2=LEFT.to_string() y2=baseline.to_string() stroke="#cbd5e1"/>
                <line x1=LEFT.to_string() y1=baseline.to_string() x2=(W - RIGHT).to_string() y2=baseline.to_string() stroke="#cbd5e1"/>
                <text x=(LEFT - 4.0).to_string() y=(TOP + 4.0).to_string() text-anchor="end" font-size="9" fill="#64748b">{top_label}</text>
                <text x=(LEFT - 4.0).to_string() y=baseline.to_string() text-anchor="end" font-size="9" fill="#64748b">"0"</text>
                <text x=LEFT.to_string() y=(H - 6.0).to_string() font-size="9" fill="#64748b">{first}</text>
                <text x=(W - RIGHT).to_string() y=(H - 6.0).to_string() text-anchor="end" font-size="9" fill="#64748b">{last}</text>
                {runs.into_iter().map(|run| {
                    let points = run.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" ");
                    view! { <polyline points=points fill="none" stroke="#0369a1" stroke-width="2" stroke-linejoin="round"/> }
                }).collect_view()}
                {dots.into_iter().map(|(x, y)| view! {
                    <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="2.5" fill="#0369a1"/>
                }).collect_view()}
            </svg>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_without_data_break_the_line() {
        let (runs, dots, top) = layout(&[Some(0.5), None, Some(1.0), Some(0.0)], Unit::Share);
        assert_eq!(top, 1.0);
        assert_eq!(runs.len(), 2);
        assert_eq!(dots.len(), 3);
        assert_eq!(runs[1].len(), 2);
        // Full share at the top of the plot, none on the baseline.
        assert_eq!(runs[1][0].1, TOP);
        assert_eq!(runs[1][1].1, H - BOTTOM);
    }

    #[test]
    fn values_read_in_their_unit() {
        assert_eq!(Unit::Share.format(0.873), "87%");
        assert_eq!(Unit::Hours.format(30.0), "30 h");
        assert_eq!(Unit::Hours.format(72.0), "3.0 d");
        assert_eq!(Unit::Number.format(0.6667), "0.67");
    }
}
