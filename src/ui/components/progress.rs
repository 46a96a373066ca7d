//! The progress bar from "Ordered" to "Delivered" at the top of the
//! tracking page, and on each shipment of an order in several.

use crate::present::tracking_view::ProgressStep;
use leptos::prelude::*;

#[component]
pub fn ProgressBar(steps: Vec<ProgressStep>, #[prop(into)] label: String) -> impl IntoView {
    // A cancelled or returned order's bar is shorter: it ends where it ended.
    let columns = format!("grid-template-columns:repeat({},minmax(0,1fr))", steps.len().max(1));
    view! {
        <ol class="mt-5 grid gap-1" style=columns aria-label=label data-testid="progress">
            {steps.into_iter().map(|step| {
                let (state, bar) = if step.problem {
                    ("problem", "bg-red-600")
                } else if step.reached {
                    ("reached", "bg-[var(--brand)]")
                } else if step.partly {
                    // Some parts of the order are here, others not yet.
                    ("partly", "bg-[var(--brand)] opacity-40")
                } else {
                    ("pending", "bg-slate-200")
                };
                let text = match (step.current, step.problem) {
                    (true, true) => "font-semibold text-red-800",
                    (true, false) => "font-semibold text-slate-900",
                    _ => "text-slate-500",
                };
                view! {
                    <li aria-current=step.current.then_some("step") data-state=state>
                        <span class=format!("block h-1.5 rounded-full {bar}")></span>
                        <span class=format!("mt-1 block text-[11px] leading-tight sm:text-xs {text}")>{step.label}</span>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}
