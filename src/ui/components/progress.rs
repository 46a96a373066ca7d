//! The progress bar from "Ordered" to "Delivered" at the top of the
//! tracking page.

use crate::present::tracking_view::ProgressStep;
use leptos::prelude::*;

#[component]
pub fn ProgressBar(steps: Vec<ProgressStep>) -> impl IntoView {
    view! {
        <ol class="mt-5 grid grid-cols-5 gap-1" aria-label="Progress">
            {steps.into_iter().map(|step| {
                let bar = if step.reached { "bg-[var(--brand)]" } else { "bg-slate-200" };
                let text = if step.current { "font-semibold text-slate-900" } else { "text-slate-500" };
                view! {
                    <li aria-current=step.current.then_some("step")>
                        <span class=format!("block h-1.5 rounded-full {bar}")></span>
                        <span class=format!("mt-1 block text-[11px] leading-tight sm:text-xs {text}")>{step.label}</span>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}
