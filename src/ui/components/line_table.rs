//! The order's lines on the tracking page: ordered, shipped and delivered
//! quantities per line, as the domain computes them.

use crate::present::tracking_view::{LineView, PageTexts};
use leptos::prelude::*;

#[component]
pub fn LineTable(lines: Vec<LineView>, texts: PageTexts) -> impl IntoView {
    view! {
        <div class="mt-3 overflow-x-auto">
            <table class="w-full text-left text-sm">
                <thead class="text-slate-600">
                    <tr>
                        <th scope="col" class="py-2 pr-3 font-medium">{texts.item_column}</th>
                        <th scope="col" class="py-2 pr-3 text-right font-medium">{texts.ordered_column}</th>
                        <th scope="col" class="py-2 pr-3 text-right font-medium">{texts.shipped_column}</th>
                        <th scope="col" class="py-2 text-right font-medium">{texts.to_follow_column}</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100">
                    {lines.into_iter().map(|l| view! {
                        <tr data-testid="line">
                            <td class="py-2 pr-3">
                                {l.description} <span class="block text-xs text-slate-500">{l.sku}</span>
                                {l.cancelled_note.map(|note| view! {
                                    <span class="block text-xs text-amber-800" data-testid="line-cancelled">{note}</span>
                                })}
                            </td>
                            <td class="py-2 pr-3 text-right tabular-nums">{l.ordered.to_string()} " " {l.unit.clone()}</td>
                            <td class="py-2 pr-3 text-right tabular-nums">{l.shipped.to_string()}</td>
                            <td class="py-2 text-right tabular-nums" class:font-semibold={l.outstanding.is_positive()}>{l.outstanding.to_string()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
