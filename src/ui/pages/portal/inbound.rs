//! The receiver's inbound board for one ship-to site: late, arriving
//! today, this week, later, deliveries waiting to be counted, and returns
//! on their way back.

use super::returns::ExpectedReturns;
use super::{render, OrderTable, PortalShell};
use crate::present::portal_view::{InboundBoard, PortalPage};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[server(prefix = "/portal/fn", endpoint = "inbound")]
pub async fn load_inbound_board(site: String) -> Result<PortalPage<InboundBoard>, ServerFnError> {
    let (state, signed_in) = crate::portal::server_fn_session().await?;
    crate::portal::answer(crate::portal::pages::inbound(&state, signed_in, &site).await)
}

#[component]
pub fn InboundPage() -> impl IntoView {
    let query = use_query_map();
    let site = move || query.with(|q| q.get("site").unwrap_or_default());
    let board = Resource::new(site, load_inbound_board);
    view! {
        <Suspense fallback=|| view! { <p class="p-8">"Loading the inbound board…"</p> }>
            {move || Suspend::new(async move {
                render(board.await, |b| {
                    let selected = b.site.clone().unwrap_or_default();
                    let column = |title: &'static str, id: &'static str, rows| view! {
                        <section aria-label=title data-testid=id class="space-y-2">
                            <h2 class="text-lg font-semibold">{title}</h2>
                            <OrderTable rows empty="Nothing here."/>
                        </section>
                    };
                    view! {
                        <PortalShell viewer=b.viewer title="Inbound".into()>
                            <form method="get" action="/portal/inbound" class="flex items-end gap-3">
                                <label class="text-sm">"Site"
                                    <select class="mt-1 block rounded border border-slate-300 px-2 py-1" name="site">
                                        {b.sites.into_iter().map(|(key, label)| {
                                            let chosen = key == selected;
                                            view! { <option value=key selected=chosen>{label}</option> }
                                        }).collect_view()}
                                    </select>
                                </label>
                                <button class="rounded bg-slate-900 px-3 py-1.5 text-white">"Show"</button>
                            </form>
                            <section aria-label="Delivered, to receive" data-testid="to-receive" class="space-y-2">
                                <h2 class="text-lg font-semibold">"Delivered, waiting to be counted"</h2>
                                {if b.to_receive.is_empty() {
                                    view! { <p class="text-slate-600">"Nothing waiting."</p> }.into_any()
                                } else {
                                    view! { <ul class="list-disc pl-6">
                                        {b.to_receive.into_iter().map(|(order, shipment)| {
                                            let href = format!("/portal/orders/{order}#receive");
                                            view! { <li><a class="text-sky-700 underline" href=href>{order} " · " {shipment}</a></li> }
                                        }).collect_view()}
                                    </ul> }.into_any()
                                }}
                            </section>
                            <ExpectedReturns returns=b.expected_returns/>
                            {column("Late", "late", b.late)}
                            {column("Arriving today", "today", b.today)}
                            {column("This week", "this-week", b.this_week)}
                            {column("Later or no date", "later", b.later)}
                        </PortalShell>
                    }.into_any()
                })
            })}
        </Suspense>
    }
}
