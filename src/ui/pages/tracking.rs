//! The branded page a buyer opens from a tracking link.

use crate::present::tracking_view::{ExceptionNotice, ForecastView, TrackingView};
use crate::ui::components::page_title::PageTitle;
use crate::ui::components::{
    line_table::LineTable, live_map::LiveMap, progress::ProgressBar, proof_of_delivery::ProofOfDelivery,
    shipment_card::ShipmentCard, timeline::Timeline, updates_signup::UpdatesSignup,
};
use crate::ui::pages::not_found::NotFound;
use crate::ui::pages::unavailable::Unavailable;
use leptos::prelude::*;
use leptos_meta::{Script, Stylesheet};
use leptos_router::hooks::use_params_map;

/// The tracking view for a token, or `None` for every kind of bad token.
#[server]
pub async fn get_tracking(token: String) -> Result<Option<TrackingView>, ServerFnError> {
    use crate::{auth::tracking_link, present::tracking::load_tracking_view, state::AppState, store};
    let state = expect_context::<AppState>();
    let failed = |e: store::StoreError| {
        tracing::error!(error = %e, "loading a tracking page failed");
        ServerFnError::new("The tracking service is temporarily unavailable.")
    };
    let Some(target) = tracking_link::resolve(&state.pool, &token).await.map_err(failed)? else {
        return Ok(None);
    };
    // Counted for the KPI dashboard (WISMO), off the page's path.
    crate::kpis::record(&state.pool, target.tenant, Some(target.order), store::kpis::Signal::PageView);
    Ok(Some(load_tracking_view(&state.pool, &state.config.map, target.tenant, target.order).await.map_err(failed)?))
}

#[component]
pub fn TrackingPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let tracking = Resource::new(token, get_tracking);
    view! {
        <Suspense fallback=|| view! { <p class="p-8 text-slate-600">"Loading your order…"</p> }>
            {move || Suspend::new(async move {
                match tracking.await {
                    Ok(Some(view)) => view! { <TrackingContent view token=token()/> }.into_any(),
                    Ok(None) => view! { <NotFound/> }.into_any(),
                    Err(_) => view! { <Unavailable/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TrackingContent(view: TrackingView, token: String) -> impl IntoView {
    let brand = view.brand.clone();
    let brand_style = format!("--brand:{};--brand-text:{};--accent:{}", brand.primary, brand.on_primary, brand.accent);
    // Entries present when the page was rendered are not "new"; anything the
    // live stream adds later is highlighted once.
    let rendered_ids: std::collections::HashSet<i64> = view.timeline.iter().map(|e| e.id).collect();
    // Neither the order number nor the brand changes while the page is open.
    let title = format!("Order {} · {}", view.order_number, brand.name);
    let live = RwSignal::new(view);
    let signup_token = token.clone();
    let pod_token = token.clone();
    let announcement = RwSignal::new(String::new());

    // Effects only run in the browser, once the page is interactive.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
        #[cfg(feature = "hydrate")]
        crate::ui::live_updates::follow(&token, live, announcement);
        #[cfg(not(feature = "hydrate"))]
        let _ = &token;
    });

    let timeline = Signal::derive(move || live.with(|v| v.timeline.clone()));
    let last_mile = Signal::derive(move || live.with(|v| v.last_mile.clone()));
    view! {
        <PageTitle text=title/>
        // Leaflet itself (the `leaflet` crate binds to it), served from /public.
        <Stylesheet href="/leaflet/leaflet.css"/>
        <Script src="/leaflet/leaflet.js"/>
        <div style=brand_style class="min-h-screen">
            <header class="bg-[var(--brand)] text-[var(--brand-text)]">
                <div class="mx-auto flex max-w-3xl items-center gap-3 px-4 py-4">
                    {brand.logo_url.clone().map(|src| view! {
                        <img src=src alt="" width="40" height="40" class="h-10 w-10 rounded bg-white/90 p-1"/>
                    })}
                    <span class="text-lg font-semibold">{brand.name.clone()}</span>
                </div>
            </header>
            <div aria-live="polite" role="status" class="sr-only" data-testid="live-region">{move || announcement.get()}</div>
            <main class="mx-auto max-w-3xl space-y-6 px-4 py-6">
                <section aria-labelledby="order-heading" class="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
                    <p class="text-sm text-slate-600">
                        "Order " <span class="font-medium text-slate-900">{move || live.with(|v| v.order_number.clone())}</span>
                        {move || live.with(|v| v.customer_po.clone()).map(|po| view! { <span>" · PO " {po}</span> })}
                    </p>
                    <h1 id="order-heading" data-testid="headline" class="mt-1 text-2xl font-semibold tracking-tight">
                        {move || live.with(|v| v.headline.clone())}
                    </h1>
                    {move || live.with(|v| v.headline_when.clone()).map(|when| view! {
                        <p class="mt-1 text-lg font-medium text-slate-900" data-testid="headline-when">{when}</p>
                    })}
                    {move || live.with(|v| v.next_step.clone()).map(|next| view! {
                        <p class="mt-1 text-slate-700" data-testid="next-step">{next}</p>
                    })}
                    {move || live.with(|v| view! { <Forecast forecast=v.forecast.clone()/> })}
                    {move || live.with(|v| view! {
                        <DeliveryDate promised=v.promised.clone() label=v.promised_label.clone() late_notice=v.late_notice.clone()/>
                    })}
                    {move || view! { <ProgressBar steps=live.with(|v| v.progress.clone())/> }}
                </section>

                {move || view! { <Exceptions notices=live.with(|v| v.exceptions.clone())/> }}

                <LiveMap last_mile/>

                {move || view! { <ProofOfDelivery pods=live.with(|v| v.proof_of_delivery.clone()) token=pod_token.clone()/> }}

                <section aria-labelledby="timeline-heading" class="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
                    <h2 id="timeline-heading" class="text-lg font-semibold">"Tracking history"</h2>
                    <p class="mt-1 text-xs text-slate-500">{move || live.with(|v| v.time_zone_note.clone())}</p>
                    <Timeline entries=timeline rendered_ids/>
                </section>

                {move || live.with(|v| {
                    let shipments = v.shipments.clone();
                    let heading = if shipments.len() > 1 { "Your order ships in several parcels" } else { "Shipment" };
                    (!shipments.is_empty()).then(|| view! {
                        <section aria-labelledby="shipments-heading" class="space-y-3">
                            <h2 id="shipments-heading" class="text-lg font-semibold">{heading}</h2>
                            {shipments.into_iter().map(|shipment| view! { <ShipmentCard shipment/> }).collect_view()}
                        </section>
                    })
                })}

                <section aria-labelledby="items-heading" class="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
                    <h2 id="items-heading" class="text-lg font-semibold">"Items"</h2>
                    {move || view! { <LineTable lines=live.with(|v| v.lines.clone())/> }}
                </section>

                {live.with_untracked(|v| v.updates_offer.clone()).map(|offer| view! { <UpdatesSignup token=signup_token.clone() offer/> })}

                <section aria-labelledby="address-heading" class="grid gap-6 rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200 sm:grid-cols-2">
                    <div>
                        <h2 id="address-heading" class="text-sm font-semibold uppercase tracking-wide text-slate-600">"Delivering to"</h2>
                        <address class="mt-2 not-italic text-slate-800">
                            {move || live.with(|v| v.ship_to.clone()).into_iter().map(|line| view! { <span class="block">{line}</span> }).collect_view()}
                        </address>
                    </div>
                    <SupportContact name=brand.name.clone() email=brand.support_email.clone() phone=brand.support_phone.clone()/>
                </section>
            </main>
        </div>
    }
}

/// Milepost's own window: when the order will most likely arrive, and why.
#[component]
fn Forecast(forecast: Option<ForecastView>) -> impl IntoView {
    forecast.map(|f| {
        view! {
            <p class="mt-2 text-lg font-medium text-slate-900" data-testid="forecast">{f.arriving}</p>
            <p class="text-sm text-slate-500" data-testid="forecast-reason">{f.reason}</p>
        }
    })
}

/// The merchant's date under the label the headline chose, and why the
/// order is late while it still is.
#[component]
fn DeliveryDate(promised: Option<String>, label: Option<String>, late_notice: Option<String>) -> impl IntoView {
    view! {
        {promised.zip(label).map(|(date, label)| view! {
            <p class="mt-2 text-slate-700" data-testid="promised">
                {label} " " <strong class="text-slate-900">{date}</strong>
            </p>
        })}
        {late_notice.map(|notice| view! {
            <p role="status" data-testid="late-notice"
               class="mt-3 rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
                "Your order is running late. " {notice}
            </p>
        })}
    }
}

#[component]
fn Exceptions(notices: Vec<ExceptionNotice>) -> impl IntoView {
    (!notices.is_empty()).then(|| {
        view! {
            <section aria-label="Problems with your delivery" class="space-y-2">
                {notices.into_iter().map(|n| view! {
                    <div role="alert" data-testid="exception" class="rounded-xl border border-red-300 bg-red-50 p-4 text-red-900">
                        <p class="font-semibold">
                            {n.title}
                            {n.shipment.map(|s| view! { <span class="font-normal">" · " {s}</span> })}
                        </p>
                        <p class="mt-1 text-sm">{n.explanation}</p>
                    </div>
                }).collect_view()}
            </section>
        }
    })
}

#[component]
fn SupportContact(name: String, email: Option<String>, phone: Option<String>) -> impl IntoView {
    view! {
        <div>
            <h2 class="text-sm font-semibold uppercase tracking-wide text-slate-600">"Questions?"</h2>
            <p class="mt-2 text-slate-800">"Contact " {name} " customer service:"</p>
            <ul class="mt-1 space-y-1">
                {email.map(|e| {
                    let href = format!("mailto:{e}");
                    view! { <li><a class="text-[var(--brand)] underline" href=href>{e}</a></li> }
                })}
                {phone.map(|p| {
                    let href = format!("tel:{}", p.replace(' ', ""));
                    view! { <li><a class="text-[var(--brand)] underline" href=href>{p}</a></li> }
                })}
            </ul>
        </div>
    }
}
