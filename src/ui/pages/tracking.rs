//! The branded page a buyer opens from a tracking link.

use crate::present::tracking_view::{ExceptionNotice, ForecastView, PageTexts, TrackingPage, TrackingView};
use crate::ui::components::page_title::PageTitle;
use crate::ui::components::{
    line_table::LineTable,
    live_map::{LiveMap, MapTexts},
    progress::ProgressBar,
    proof_of_delivery::ProofOfDelivery,
    returns::Returns,
    shipment_card::ShipmentCard,
    timeline::Timeline,
    updates_signup::UpdatesSignup,
};
use crate::ui::pages::not_found::NotFound;
use crate::ui::pages::unavailable::Unavailable;
use leptos::prelude::*;
use leptos_meta::Html;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The tracking page for a token in the buyer's language, or `None` for
/// every kind of bad token. `lang` is a choice made just now (the page's
/// language menu); it is saved in a cookie for the next visit.
///
/// `#[lazy]`: the page comes with its data, so the browser calls this only
/// for a language switch (or a client-side navigation to another link);
/// the call's code, and a second decoder of the whole page for its answer,
/// are split out of the main wasm and fetched then.
#[server]
#[lazy]
pub async fn get_tracking(token: String, lang: Option<String>) -> Result<Option<TrackingPage>, ServerFnError> {
    use crate::i18n::Translator;
    use crate::present::tracking::{load_tracking_view, page_texts};
    use crate::{auth::tracking_link, state::AppState, store};
    use axum::http::{header, HeaderValue};
    let state = expect_context::<AppState>();
    let failed = |e: store::StoreError| {
        tracing::error!(error = %e, "loading a tracking page failed");
        ServerFnError::new("The tracking service is temporarily unavailable.")
    };
    let request = use_context::<axum::http::request::Parts>();
    // Rendering /t/{token}: the gate in front of the page has resolved this
    // very token. Called from the browser, the function resolves it itself.
    let gated = request.as_ref().and_then(|r| r.extensions.get::<store::TrackingLinkTarget>().copied());
    let target = match gated {
        Some(target) => Some(target),
        None => tracking_link::resolve(&state.pool, &token).await.map_err(failed)?,
    };
    let Some(target) = target else {
        return Ok(None);
    };
    let tenant = store::get_tenant(&state.pool, target.tenant).await.map_err(failed)?;
    let headers = request.map(|r| r.headers).unwrap_or_default();
    let language = crate::i18n::negotiate(&tenant.languages(), lang.as_deref(), &headers);
    if lang.is_some() {
        let cookie = crate::i18n::language_cookie(language);
        if let (Some(response), Ok(value)) =
            (use_context::<leptos_axum::ResponseOptions>(), HeaderValue::from_str(&cookie))
        {
            response.append_header(header::SET_COOKIE, value);
        }
    }
    // Counted for the KPI dashboard (WISMO), off the page's path.
    crate::kpis::record(&state, target.tenant, Some(target.order), store::kpis::Signal::PageView);
    let view =
        load_tracking_view(&state.pool, &state.config.map, &tenant, target.order, language).await.map_err(failed)?;
    let texts = page_texts(
        &tenant,
        &view.order_number,
        view.customer_po.as_deref(),
        &Translator::new(language, &tenant.locale),
    );
    Ok(Some(TrackingPage { view, texts }))
}

#[component]
pub fn TrackingPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let tracking =
        Resource::new(move || (token(), query.read().get("lang")), |(token, lang)| get_tracking(token, lang));
    // Pages without a tenant's language are in English.
    let english = || view! { <Html {..} lang="en" dir="ltr"/> };
    view! {
        <Suspense fallback=|| view! { <p class="p-8 text-slate-600">"Loading your order…"</p> }>
            {move || Suspend::new(async move {
                match tracking.await {
                    Ok(Some(page)) => view! {
                        <TrackingContent page token=token() request_outcome=query.read().get("request") return_outcome=query.read().get("return")/>
                    }.into_any(),
                    Ok(None) => view! { {english()} <NotFound/> }.into_any(),
                    Err(_) => view! { {english()} <Unavailable/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TrackingContent(
    page: TrackingPage,
    token: String,
    request_outcome: Option<String>,
    return_outcome: Option<String>,
) -> impl IntoView {
    let TrackingPage { view, texts: initial_texts } = page;
    let brand = view.brand.clone();
    let brand_style = format!("--brand:{};--brand-text:{};--accent:{}", brand.primary, brand.on_primary, brand.accent);
    // Entries present when the page was rendered are not "new"; anything the
    // live stream adds later is highlighted once.
    let rendered_ids: std::collections::HashSet<i64> = view.timeline.iter().map(|e| e.id).collect();
    // The document's language and title as first rendered; a switch in the
    // browser updates them directly (see `switch_language`).
    let (lang, dir, title) = (initial_texts.lang.clone(), initial_texts.dir.clone(), initial_texts.title.clone());
    let live = RwSignal::new(view);
    let texts = RwSignal::new(initial_texts);
    let signup_token = token.clone();
    let pod_token = token.clone();
    let switch_token = token.clone();
    let help_token = token.clone();
    let returns_token = token.clone();
    let announcement = RwSignal::new(String::new());
    let language = RwSignal::new(lang.clone());

    // Effects only run in the browser, once the page is interactive.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
        #[cfg(feature = "hydrate")]
        crate::ui::live_updates::follow(&token, language, live, texts, announcement);
        #[cfg(not(feature = "hydrate"))]
        let _ = &token;
    });

    let text = move |pick: fn(&PageTexts) -> String| move || texts.with(pick);
    let timeline = Signal::derive(move || live.with(|v| v.timeline.clone()));
    let show_all = Signal::derive(move || live.with(|v| v.show_all_updates.clone()));
    let show_fewer = Signal::derive(text(|t| t.show_fewer_updates.clone()));
    let last_mile = Signal::derive(move || live.with(|v| v.last_mile.clone()));
    let map_texts = Signal::derive(move || {
        texts.with(|t| MapTexts {
            heading: t.on_its_way_heading.clone(),
            label: t.map_label.clone(),
            vehicle: t.map_vehicle.clone(),
            address: t.map_address.clone(),
        })
    });
    view! {
        <Html {..} lang=lang dir=dir/>
        <PageTitle text=title/>
        <div style=brand_style class="min-h-screen">
            <header class="bg-[var(--brand)] text-[var(--brand-text)]">
                <div class="mx-auto flex max-w-3xl flex-wrap items-center gap-3 px-4 py-4">
                    {brand.logo_url.clone().map(|src| view! {
                        <img src=src alt="" width="40" height="40" class="h-10 w-10 rounded bg-white/90 p-1"/>
                    })}
                    <span class="text-lg font-semibold">{brand.name.clone()}</span>
                    <LanguageMenu texts language token=switch_token live/>
                </div>
            </header>
            <div aria-live="polite" role="status" class="sr-only" data-testid="live-region">{move || announcement.get()}</div>
            <main class="mx-auto max-w-3xl space-y-6 px-4 py-6">
                <section aria-labelledby="order-heading" class="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
                    <p class="text-sm text-slate-600">
                        <span class="font-medium text-slate-900" data-testid="order-number" data-number=move || live.with(|v| v.order_number.clone())>
                            {text(|t| t.order.clone())}
                        </span>
                        {move || texts.with(|t| t.po.clone()).map(|po| view! { <span>" · " {po}</span> })}
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
                    {move || live.with(|v| v.change_delivery.clone()).map(|link| view! {
                        <p class="mt-3">
                            <a href=link.url rel="external noopener" target="_blank" data-testid="change-delivery"
                               class="inline-block rounded bg-[var(--brand)] px-3 py-2 font-medium text-[var(--brand-text)]">{link.text}</a>
                        </p>
                    })}
                    {move || view! { <ProgressBar steps=live.with(|v| v.progress.clone()) label=texts.with(|t| t.progress_label.clone())/> }}
                </section>

                <HelpBox texts token=help_token email=brand.support_email.clone() phone=brand.support_phone.clone() outcome=request_outcome/>

                {move || view! { <Exceptions notices=live.with(|v| v.exceptions.clone()) label=texts.with(|t| t.problems_label.clone())/> }}

                {move || live.with(|v| v.returns.clone()).map(|returns| view! {
                    <Returns view=returns token=returns_token.clone() lang=texts.with(|t| t.lang.clone()) outcome=return_outcome.clone()/>
                })}

                <LiveMap last_mile texts=map_texts/>

                {move || view! { <ProofOfDelivery pods=live.with(|v| v.proof_of_delivery.clone()) token=pod_token.clone() texts=texts.get()/> }}

                <section aria-labelledby="timeline-heading" class="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
                    <h2 id="timeline-heading" class="text-lg font-semibold">{text(|t| t.tracking_history.clone())}</h2>
                    <p class="mt-1 text-xs text-slate-500">{move || live.with(|v| v.time_zone_note.clone())}</p>
                    <Timeline entries=timeline rendered_ids show_all show_fewer/>
                </section>

                {move || live.with(|v| {
                    let shipments = v.shipments.clone();
                    let heading = texts.with(|t| if shipments.len() > 1 { t.shipments_heading.clone() } else { t.shipment_heading.clone() });
                    (!shipments.is_empty()).then(|| view! {
                        <section aria-labelledby="shipments-heading" class="space-y-3">
                            <h2 id="shipments-heading" class="text-lg font-semibold">{heading}</h2>
                            {shipments.into_iter().map(|shipment| view! { <ShipmentCard shipment texts=texts.get()/> }).collect_view()}
                        </section>
                    })
                })}

                <section aria-labelledby="items-heading" class="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
                    <h2 id="items-heading" class="text-lg font-semibold">{text(|t| t.items_heading.clone())}</h2>
                    {move || view! { <LineTable lines=live.with(|v| v.lines.clone()) texts=texts.get()/> }}
                </section>

                {move || live.with(|v| v.updates_offer.clone()).map(|offer| view! { <UpdatesSignup token=signup_token.clone() offer texts=texts.get()/> })}

                <section aria-labelledby="address-heading" class="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
                    <h2 id="address-heading" class="text-sm font-semibold uppercase tracking-wide text-slate-600">{text(|t| t.delivering_to.clone())}</h2>
                    <address class="mt-2 not-italic text-slate-800">
                        {move || live.with(|v| v.ship_to.clone()).into_iter().map(|line| view! { <span class="block">{line}</span> }).collect_view()}
                    </address>
                </section>
            </main>
        </div>
    }
}

/// The page's languages. A plain GET form, so it works before (and
/// without) the wasm; once hydrated the switch happens in place: the new
/// words and view come from `get_tracking`, and the live stream reopens
/// in the new language from where it was.
#[component]
fn LanguageMenu(
    texts: RwSignal<PageTexts>,
    language: RwSignal<String>,
    token: String,
    live: RwSignal<TrackingView>,
) -> impl IntoView {
    let choices = texts.with_untracked(|t| t.languages.clone());
    let selected = language.get_untracked();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let select = document().get_element_by_id("language-select");
        let Some(lang) = select
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlSelectElement>(e).ok())
            .map(|s| s.value())
        else {
            return;
        };
        let token = token.clone();
        leptos::task::spawn_local(async move {
            if let Ok(Some(page)) = get_tracking(token, Some(lang)).await {
                switch_language(&page.texts);
                language.set(page.texts.lang.clone());
                texts.set(page.texts);
                live.set(page.view);
            }
        });
    };
    (choices.len() > 1).then(|| view! {
        <form method="get" class="ms-auto flex items-center gap-2 text-sm" data-testid="language-menu" on:submit=on_submit>
            <label for="language-select" class="sr-only">{move || texts.with(|t| t.language_label.clone())}</label>
            <select id="language-select" name="lang" class="rounded border border-white/40 bg-white px-2 py-1 text-slate-900">
                {choices.into_iter().map(|c| {
                    let is_selected = c.tag == selected;
                    view! { <option value=c.tag.clone() selected=is_selected lang=c.tag>{c.name}</option> }
                }).collect_view()}
            </select>
            <button type="submit" class="rounded border border-current px-2 py-1 font-medium">{move || texts.with(|t| t.language_change.clone())}</button>
        </form>
    })
}

/// The document's language, direction and title after a switch in place.
fn switch_language(texts: &PageTexts) {
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("lang", &texts.lang);
        let _ = root.set_attribute("dir", &texts.dir);
    }
    document().set_title(&texts.title);
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
                {notice}
            </p>
        })}
    }
}

#[component]
fn Exceptions(notices: Vec<ExceptionNotice>, label: String) -> impl IntoView {
    (!notices.is_empty()).then(|| {
        view! {
            <section aria-label=label class="space-y-2">
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

/// Help where the buyer looks: the shop's contact, and a request that
/// reaches customer service as a note on the order (a plain form: see
/// `buyer_request`). `outcome` is how the last request went.
#[component]
fn HelpBox(
    texts: RwSignal<PageTexts>,
    token: String,
    email: Option<String>,
    phone: Option<String>,
    outcome: Option<String>,
) -> impl IntoView {
    let text = move |pick: fn(&PageTexts) -> String| move || texts.with(pick);
    let notice = outcome.and_then(|o| match o.as_str() {
        "sent" => Some((
            "status",
            "border-emerald-300 bg-emerald-50 text-emerald-900",
            texts.with_untracked(|t| t.request_sent.clone()),
        )),
        "empty" => {
            Some(("alert", "border-red-300 bg-red-50 text-red-900", texts.with_untracked(|t| t.request_empty.clone())))
        }
        "limited" => Some((
            "alert",
            "border-red-300 bg-red-50 text-red-900",
            texts.with_untracked(|t| t.request_limited.clone()),
        )),
        _ => None,
    });
    let open = notice.as_ref().is_some_and(|(role, ..)| *role == "alert");
    let action = format!("/t/{token}/requests");
    view! {
        <section id="help" aria-labelledby="help-heading" data-testid="help" class="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
            <h2 id="help-heading" class="text-lg font-semibold">{text(|t| t.help_heading.clone())}</h2>
            <p class="mt-1 text-slate-800">{text(|t| t.contact_service.clone())}</p>
            <ul class="mt-1 flex flex-wrap gap-x-4 gap-y-1">
                {email.map(|e| {
                    let href = format!("mailto:{e}");
                    view! { <li><a class="text-[var(--brand)] underline" href=href data-testid="support-email">{e}</a></li> }
                })}
                {phone.map(|p| {
                    let href = format!("tel:{}", p.replace(' ', ""));
                    view! { <li><a class="text-[var(--brand)] underline" href=href dir="ltr">{p}</a></li> }
                })}
            </ul>
            {notice.map(|(role, colours, message)| view! {
                <p role=role data-testid="request-outcome" class=format!("mt-3 rounded-lg border px-3 py-2 text-sm {colours}")>{message}</p>
            })}
            <details class="mt-3" open=open>
                <summary class="cursor-pointer font-medium text-[var(--brand)]">{text(|t| t.request_send.clone())}</summary>
                <form method="post" action=action class="mt-3 space-y-3" data-testid="request-form">
                    <input type="hidden" name="lang" value=move || texts.with(|t| t.lang.clone())/>
                    <fieldset>
                        <legend class="text-sm font-medium">{text(|t| t.request_kind_label.clone())}</legend>
                        <label class="mt-1 flex items-center gap-2">
                            <input type="radio" name="kind" value="delivery_instructions" required/>
                            {text(|t| t.request_instructions.clone())}
                        </label>
                        <label class="flex items-center gap-2">
                            <input type="radio" name="kind" value="problem"/>
                            {text(|t| t.request_problem.clone())}
                        </label>
                    </fieldset>
                    <label class="block text-sm font-medium" for="request-text">{text(|t| t.request_text_label.clone())}</label>
                    <textarea id="request-text" name="text" rows="3" maxlength="1000" required
                              class="w-full rounded border border-slate-300 px-3 py-2"></textarea>
                    <button type="submit" class="rounded bg-[var(--brand)] px-4 py-2 font-medium text-[var(--brand-text)]">
                        {text(|t| t.request_send.clone())}
                    </button>
                </form>
            </details>
        </section>
    }
}
