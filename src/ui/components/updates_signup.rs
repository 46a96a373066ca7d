//! "Get updates" on the tracking page: a buyer leaves an email address or
//! phone number, receives a code, and types it here to confirm.

use crate::present::tracking_view::{PageTexts, UpdatesOffer};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SignupStep {
    /// "We sent a code to …", and the address the code went to.
    CodeSent(String, String),
    Confirmed,
    /// Something the buyer can fix or needs to know, in a sentence.
    Refused(String),
}

/// The sign-up's words in the page's language (a tag the form carries;
/// anything unknown is English), and that language for the sign-up itself.
#[cfg(feature = "ssr")]
fn speaking(lang: Option<&str>) -> (crate::i18n::Translator, crate::domain::language::Language) {
    use crate::domain::language::Language;
    let language = lang.and_then(|l| Language::parse(l).ok()).unwrap_or(Language::English);
    (crate::i18n::Translator::new(language, ""), language)
}

// `#[lazy]`: the browser's side of each call (the request, the answer's
// decoding) is split out of the main wasm and fetched on the first submit;
// most buyers never sign up.
#[server(endpoint = "updates/request")]
#[lazy]
pub async fn request_updates(
    token: String,
    address: String,
    lang: Option<String>,
) -> Result<SignupStep, ServerFnError> {
    use crate::domain::notification_rules::contact_address;
    use crate::store::{self, OptInRefused};
    use rand::Rng;
    let (t, language) = speaking(lang.as_deref());
    let state = expect_context::<crate::state::AppState>();
    let Some(target) = crate::auth::tracking_link::resolve(&state.pool, &token).await.map_err(unavailable)? else {
        return Ok(SignupStep::Refused(t.text("updates-link-invalid")));
    };
    let Ok((channel, address)) = contact_address(&address) else {
        return Ok(SignupStep::Refused(t.text("updates-enter-address")));
    };
    let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
    let outcome = store::request_opt_in(&state.pool, target.tenant, target.order, channel, &address, &code, language)
        .await
        .map_err(unavailable)?;
    state.outbox.notify_one();
    Ok(match outcome {
        Ok(()) => SignupStep::CodeSent(t.with("updates-code-sent", &[("address", address.clone().into())]), address),
        Err(OptInRefused::AlreadySubscribed) => {
            SignupStep::Refused(t.with("updates-already", &[("address", address.into())]))
        }
        Err(OptInRefused::TooManyCodes) => SignupStep::Refused(t.text("updates-too-many-codes")),
    })
}

#[server(endpoint = "updates/confirm")]
#[lazy]
pub async fn confirm_updates(
    token: String,
    address: String,
    code: String,
    lang: Option<String>,
) -> Result<SignupStep, ServerFnError> {
    let (t, _) = speaking(lang.as_deref());
    let state = expect_context::<crate::state::AppState>();
    let Some(target) = crate::auth::tracking_link::resolve(&state.pool, &token).await.map_err(unavailable)? else {
        return Ok(SignupStep::Refused(t.text("updates-link-invalid")));
    };
    let Ok((channel, address)) = crate::domain::notification_rules::contact_address(&address) else {
        return Ok(SignupStep::Refused(t.text("updates-start-again")));
    };
    let confirmed = crate::store::confirm_opt_in(&state.pool, target.order, channel, &address, code.trim())
        .await
        .map_err(unavailable)?;
    Ok(if confirmed { SignupStep::Confirmed } else { SignupStep::Refused(t.text("updates-wrong-code")) })
}

#[cfg(feature = "ssr")]
fn unavailable(e: crate::store::StoreError) -> ServerFnError {
    tracing::error!(error = %e, "signing up for updates failed");
    ServerFnError::new("Updates are temporarily unavailable.")
}

/// `offer` is what the buyer would hear about, as a "when ..." clause that
/// fits where the order is ("when your order arrives" once it is on the van).
///
/// Plain forms that post to the server functions, so they work before (and
/// without) the wasm; once hydrated a submit calls the function in place.
/// Not `ActionForm`: its form decoding and the server function client would
/// sit in the main wasm, which every buyer downloads.
#[component]
pub fn UpdatesSignup(token: String, offer: UpdatesOffer, texts: PageTexts) -> impl IntoView {
    let request = RwSignal::new(None::<Result<SignupStep, ServerFnError>>);
    let confirm = RwSignal::new(None::<Result<SignupStep, ServerFnError>>);
    let unavailable_text = texts.updates_unavailable.clone();
    let unavailable_confirm = texts.updates_unavailable.clone();
    let lang = texts.lang.clone();
    let step = move || match (confirm.get(), request.get()) {
        (Some(Ok(SignupStep::Confirmed)), _) => Some(SignupStep::Confirmed),
        (_, Some(Ok(step))) => Some(step),
        (_, Some(Err(_))) => Some(SignupStep::Refused(unavailable_text.clone())),
        _ => None,
    };
    let confirm_error = move || match confirm.get() {
        Some(Ok(SignupStep::Refused(message))) => Some(message),
        Some(Err(_)) => Some(unavailable_confirm.clone()),
        _ => None,
    };
    let on_request = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let [token, address, lang] = form_fields(&ev, ["token", "address", "lang"]);
        leptos::task::spawn_local(async move {
            request.set(Some(request_updates(token, address, Some(lang)).await));
        });
    };
    let on_confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let [token, address, code, lang] = form_fields(&ev, ["token", "address", "code", "lang"]);
        leptos::task::spawn_local(async move {
            confirm.set(Some(confirm_updates(token, address, code, Some(lang)).await));
        });
    };
    let input = "mt-1 w-full rounded border border-slate-300 px-3 py-2";
    let button = "mt-3 rounded bg-[var(--brand)] px-4 py-2 font-medium text-[var(--brand-text)]";
    let code_token = token.clone();
    let code_lang = lang.clone();
    let confirmed_offer = offer.confirmed.clone();
    let intro = offer.intro.clone();
    let texts = StoredValue::new(texts);
    let text = move |pick: fn(&PageTexts) -> String| texts.with_value(pick);
    view! {
        <section aria-labelledby="updates-heading" class="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200" data-testid="updates">
            <h2 id="updates-heading" class="text-lg font-semibold">{text(|t| t.updates_heading.clone())}</h2>
            {move || match step() {
                Some(SignupStep::Confirmed) => { let offer = confirmed_offer.clone(); view! {
                    <p class="mt-2 text-slate-700" role="status">{offer}</p>
                }.into_any() }
                Some(SignupStep::CodeSent(sent, address)) => { let token = code_token.clone(); let lang = code_lang.clone(); let confirm_error = confirm_error.clone(); view! {
                    <form method="post" action=ConfirmUpdates::url() on:submit=on_confirm>
                        <p class="mt-2 text-slate-700" role="status">{sent}</p>
                        <input type="hidden" name="token" value=token/>
                        <input type="hidden" name="address" value=address/>
                        <input type="hidden" name="lang" value=lang/>
                        <label class="mt-3 block text-sm font-medium" for="updates-code">{text(|t| t.updates_code_label.clone())}</label>
                        <input id="updates-code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required class=input/>
                        {move || confirm_error().map(|m| view! { <p class="mt-2 text-sm text-red-700" role="alert">{m}</p> })}
                        <button type="submit" class=button>{text(|t| t.updates_confirm.clone())}</button>
                    </form>
                }.into_any() }
                other => { let token = token.clone(); let intro = intro.clone(); let lang = lang.clone(); view! {
                    <form method="post" action=RequestUpdates::url() on:submit=on_request>
                        <p class="mt-2 text-sm text-slate-700">{intro}</p>
                        <input type="hidden" name="token" value=token/>
                        <input type="hidden" name="lang" value=lang/>
                        <label class="mt-3 block text-sm font-medium" for="updates-address">{text(|t| t.updates_address_label.clone())}</label>
                        <input id="updates-address" name="address" autocomplete="email" required class=input/>
                        {match other { Some(SignupStep::Refused(m)) => Some(view! { <p class="mt-2 text-sm text-red-700" role="alert">{m}</p> }), _ => None }}
                        <button type="submit" class=button>{text(|t| t.updates_send_code.clone())}</button>
                    </form>
                }.into_any() }
            }}
        </section>
    }
}

/// The submitted form's values of `names`, in that order ("" for a missing one).
fn form_fields<const N: usize>(ev: &leptos::ev::SubmitEvent, names: [&str; N]) -> [String; N] {
    use wasm_bindgen::JsCast;
    let data = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
        .and_then(|form| web_sys::FormData::new_with_form(&form).ok());
    names.map(|name| data.as_ref().and_then(|d| d.get(name).as_string()).unwrap_or_default())
}
