//! One order for a signed-in person: status, lines (ordered, shipped in
//! which shipment, delivered, outstanding, received), shipments with their
//! packs, proofs of delivery and the receiving form, the timeline (with
//! internal events for staff) and customer service's desk. Live: the page
//! reloads its data whenever the order changes.

use super::{render, PortalShell};
use crate::present::portal_view::*;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[server(prefix = "/portal/fn", endpoint = "order")]
pub async fn load_order(number: String) -> Result<PortalPage<PortalOrder>, ServerFnError> {
    let (state, signed_in) = crate::portal::server_fn_session().await?;
    crate::portal::answer(crate::portal::pages::order(&state, signed_in, &number).await)
}

const CARD: &str = "rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200";

#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let number = move || params.read().get("number").unwrap_or_default();
    let order = Resource::new(number, load_order);

    // In the browser: follow the order's changes and reload on each.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
        #[cfg(feature = "hydrate")]
        follow(&number(), order);
    });

    view! {
        <Suspense fallback=|| view! { <p class="p-8">"Loading the order…"</p> }>
            {move || Suspend::new(async move {
                render(order.await, |o| view! { <OrderContent o/> }.into_any())
            })}
        </Suspense>
    }
}

#[cfg(feature = "hydrate")]
fn follow(number: &str, order: Resource<Result<PortalPage<PortalOrder>, ServerFnError>>) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let Ok(source) = web_sys::EventSource::new(&format!("/portal/orders/{number}/events")) else { return };
    let on_change = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_: web_sys::MessageEvent| order.refetch());
    let _ = source.add_event_listener_with_callback("changed", on_change.as_ref().unchecked_ref());
    on_change.forget();
    on_cleanup(move || source.close());
}

#[component]
fn OrderContent(o: PortalOrder) -> impl IntoView {
    let csrf = o.viewer.csrf.clone();
    let number = o.number.clone();
    let title = format!("Order {}", o.number);
    view! {
        <PortalShell viewer=o.viewer.clone() title>
            <section class=CARD>
                <p class="text-sm text-slate-600">
                    {o.po.clone().map(|po| view! { <span>"PO " {po} " · "</span> })}
                    "Ship to " {o.ship_to.join(", ")}
                </p>
                <p class="mt-1 text-xl font-semibold" data-testid="headline">{o.headline.clone()}</p>
                {o.forecast.clone().map(|f| view! {
                    <p class="mt-1 font-medium text-slate-900" data-testid="forecast">{f.arriving}</p>
                    <p class="text-sm text-slate-500">{f.reason}</p>
                })}
                {o.late_risk.clone().map(|risk| view! {
                    <p class="text-sm text-slate-600" data-testid="late-risk">"Chance of missing the promised date: " {risk}</p>
                })}
                {o.promised.clone().map(|p| view! { <p class="mt-1 text-slate-700">"Promised " {p}</p> })}
                {o.late.then(|| view! { <p class="mt-2 rounded bg-amber-50 px-2 py-1 text-amber-900" data-testid="late">"Late: not delivered by the promised date."</p> })}
            </section>

            <section class=CARD aria-labelledby="lines-heading">
                <h2 id="lines-heading" class="text-lg font-semibold">"Lines"</h2>
                <div class="overflow-x-auto">
                <table class="mt-2 min-w-full text-sm" data-testid="lines">
                    <thead class="text-left text-slate-600"><tr>
                        <th class="py-1 pr-3">"Line"</th><th class="py-1 pr-3">"Item"</th><th class="py-1 pr-3">"Ordered"</th>
                        <th class="py-1 pr-3">"Shipped (in)"</th><th class="py-1 pr-3">"Delivered"</th>
                        <th class="py-1 pr-3">"Outstanding"</th><th class="py-1 pr-3">"Received"</th>
                    </tr></thead>
                    <tbody>
                        {o.lines.iter().map(|l| view! {
                            <tr class="border-t border-slate-100" data-testid="line">
                                <td class="py-1 pr-3">{l.line_number}</td>
                                <td class="py-1 pr-3">{l.sku.clone()} <span class="text-slate-600">" " {l.description.clone()}</span></td>
                                <td class="py-1 pr-3" data-testid="ordered">{l.ordered} " " {l.unit.clone()}</td>
                                <td class="py-1 pr-3" data-testid="shipped">{l.shipped}
                                    {l.shipped_in.iter().map(|(s, q)| view! { <span class="block text-xs text-slate-600">{q.to_string()} " in " {s.clone()}</span> }).collect_view()}
                                </td>
                                <td class="py-1 pr-3" data-testid="delivered">{l.delivered}</td>
                                <td class="py-1 pr-3" data-testid="outstanding">{l.outstanding}</td>
                                <td class="py-1 pr-3" data-testid="received">
                                    {l.received.map(|r| r.to_string()).unwrap_or_else(|| "—".into())}
                                    {(l.damaged > 0).then(|| view! { <span class="block text-xs text-red-800">{l.damaged} " damaged"</span> })}
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
            </section>

            {o.shipments.iter().map(|s| view! { <ShipmentSection s=s.clone() number=number.clone() csrf=csrf.clone()/> }).collect_view()}

            {o.desk.clone().map(|desk| view! { <Desk desk number=number.clone() csrf=csrf.clone()/> })}

            <section class=CARD aria-labelledby="timeline-heading">
                <h2 id="timeline-heading" class="text-lg font-semibold">"Timeline"</h2>
                <ol class="mt-3 space-y-2" data-testid="timeline">
                    {o.timeline.iter().map(|t| view! {
                        <li class="border-l-2 pl-3" class:border-red-400=t.exception class:border-slate-300=!t.exception data-testid="timeline-item">
                            <p class="font-medium">{t.label.clone()}
                                {t.internal.then(|| view! { <span class="ml-2 rounded bg-slate-100 px-1 text-xs text-slate-600">"internal"</span> })}
                            </p>
                            <p class="text-xs text-slate-600">{t.when.clone()} " · " {t.source.clone()}
                                {t.shipment.clone().map(|s| view! { <span>" · " {s}</span> })}
                            </p>
                            {t.detail.clone().map(|d| view! { <p class="text-sm text-slate-800">{d}</p> })}
                        </li>
                    }).collect_view()}
                </ol>
            </section>
        </PortalShell>
    }
}

#[component]
fn ShipmentSection(s: PortalShipment, number: String, csrf: String) -> impl IntoView {
    let receive_action = format!("/portal/orders/{number}/receipts");
    view! {
        <section class=CARD data-testid="shipment">
            <h2 class="text-lg font-semibold">"Shipment " {s.label.clone()}</h2>
            <p class="text-slate-700">{s.status.clone()}</p>
            {(!s.packs.is_empty()).then(|| view! {
                <details class="mt-2"><summary class="cursor-pointer text-sm">"Advance ship notice: " {s.packs.len()} " packs"</summary>
                    <ul class="mt-1 text-sm" data-testid="packs">
                        {s.packs.iter().map(|p| view! { <li>{p.label.clone()} ": " {p.items.join(", ")}</li> }).collect_view()}
                    </ul>
                </details>
            })}
            {s.pod.clone().map(|pod| view! {
                <div class="mt-3 text-sm" data-testid="pod">
                    <p>"Proof of delivery " {pod.id.clone()} ": received by " {pod.receiver.clone()} ", " {pod.when.clone()}</p>
                    <p class="mt-1 flex flex-wrap gap-3">
                        <a class="text-sky-700 underline" rel="external" download href=pod.pdf.clone() data-testid="pod-pdf">"PDF"</a>
                        {pod.files.iter().map(|(label, href)| view! {
                            <a class="text-sky-700 underline" rel="external" download href=href.clone()>{label.clone()}</a>
                        }).collect_view()}
                    </p>
                </div>
            })}
            {s.receipt.clone().map(|r| view! { <p class="mt-3 text-sm" data-testid="receipt">"Received: " {r}</p> })}
            {(!s.to_count.is_empty()).then(|| view! {
                <form id="receive" method="post" action=receive_action class="mt-4 space-y-2 rounded-lg bg-slate-50 p-3" data-testid="receive-form">
                    <h3 class="font-semibold">"Receive this shipment"</h3>
                    <input type="hidden" name="csrf" value=csrf.clone()/>
                    <input type="hidden" name="shipment" value=s.id.to_string()/>
                    <table class="text-sm">
                        <thead class="text-left text-slate-600"><tr><th class="pr-3">"Line"</th><th class="pr-3">"Expected"</th><th class="pr-3">"Counted"</th><th>"Damaged"</th></tr></thead>
                        <tbody>
                            {s.to_count.iter().map(|item| {
                                let counted = format!("counted_{}", item.order_line_id);
                                let damaged = format!("damaged_{}", item.order_line_id);
                                let label = format!("Line {} {}", item.line_number, item.sku);
                                view! {
                                    <tr>
                                        <td class="pr-3">{label.clone()}</td>
                                        <td class="pr-3">{item.quantity}</td>
                                        <td class="pr-3"><input class="w-20 rounded border border-slate-300 px-1" type="number" min="0" name=counted value=item.quantity.to_string() aria-label=format!("{label} counted")/></td>
                                        <td><input class="w-20 rounded border border-slate-300 px-1" type="number" min="0" name=damaged value="0" aria-label=format!("{label} damaged")/></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    <label class="block text-sm">"Note"<input class="mt-1 block w-full rounded border border-slate-300 px-2 py-1" name="note"/></label>
                    <button class="rounded bg-slate-900 px-3 py-1.5 text-white">"Confirm receipt"</button>
                </form>
            })}
        </section>
    }
}

#[component]
fn Desk(desk: ServiceDesk, number: String, csrf: String) -> impl IntoView {
    let base = format!("/portal/orders/{number}");
    let field = "mt-1 block w-full rounded border border-slate-300 px-2 py-1";
    view! {
        <section class=CARD aria-labelledby="desk-heading" data-testid="desk">
            <h2 id="desk-heading" class="text-lg font-semibold">"Customer service"</h2>
            <p class="text-sm text-slate-700">"Contact: " {desk.contact.join(" · ")}</p>
            <div class="mt-4 grid gap-4 md:grid-cols-2">
                <form method="post" action=format!("{base}/status") class="space-y-2" data-testid="override-form">
                    <h3 class="font-semibold">"Change status"</h3>
                    <input type="hidden" name="csrf" value=csrf.clone()/>
                    <select class=field name="status" aria-label="New status">
                        {desk.open_exceptions.iter().chain(desk.statuses.iter()).map(|(code, label)| view! {
                            <option value=code.clone()>{label.clone()}</option>
                        }).collect_view()}
                    </select>
                    <label class="block text-sm">"Reason (required)"<input class=field name="reason" required maxlength="500"/></label>
                    <button class="rounded bg-slate-900 px-3 py-1.5 text-white">"Record"</button>
                </form>
                <form method="post" action=format!("{base}/notes") class="space-y-2">
                    <h3 class="font-semibold">"Add a note"</h3>
                    <input type="hidden" name="csrf" value=csrf.clone()/>
                    <label class="block text-sm">"Note (internal)"<textarea class=field name="text" required maxlength="2000"></textarea></label>
                    <button class="rounded bg-slate-900 px-3 py-1.5 text-white">"Add note"</button>
                </form>
                <div class="space-y-2">
                    <h3 class="font-semibold">"Tracking link"</h3>
                    <ul class="text-sm">{desk.tracking_links.iter().map(|l| view! { <li>{l.clone()}</li> }).collect_view()}</ul>
                    <form method="post" action=format!("{base}/tracking-link") class="flex gap-2">
                        <input type="hidden" name="csrf" value=csrf.clone()/>
                        <button class="rounded border border-slate-300 px-2" name="action" value="revoke">"Revoke"</button>
                        <button class="rounded border border-slate-300 px-2" name="action" value="reissue">"Revoke and reissue"</button>
                    </form>
                </div>
                <div class="space-y-2">
                    <h3 class="font-semibold">"Notifications"</h3>
                    <ul class="space-y-1 text-sm" data-testid="notifications">
                        {desk.notifications.iter().map(|n| view! {
                            <li class="flex items-center gap-2">
                                <span>{n.trigger.clone()} " · " {n.channel.clone()} " to " {n.recipient.clone()} " · " {n.state.clone()}</span>
                                <form method="post" action=format!("{base}/notifications/{}/resend", n.id)>
                                    <input type="hidden" name="csrf" value=csrf.clone()/>
                                    <button class="rounded border border-slate-300 px-2">"Resend"</button>
                                </form>
                            </li>
                        }).collect_view()}
                    </ul>
                </div>
            </div>
            <h3 class="mt-4 font-semibold">"Audit log"</h3>
            <ul class="mt-1 space-y-1 text-sm" data-testid="audit">
                {desk.audit.iter().map(|a| view! {
                    <li>{a.when.clone()} " · " {a.who.clone()} " · " {a.action.clone()} ": " {a.detail.clone()}</li>
                }).collect_view()}
            </ul>
        </section>
    }
}
