//! "Get updates" on the tracking page: a buyer leaves an email address or
//! phone number, receives a code, and types it here to confirm.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SignupStep {
    /// A code is on its way to this address.
    CodeSent(String),
    Confirmed,
    /// Something the buyer can fix or needs to know, in a sentence.
    Refused(String),
}

#[server(endpoint = "updates/request")]
pub async fn request_updates(token: String, address: String) -> Result<SignupStep, ServerFnError> {
    use crate::domain::notification_rules::contact_address;
    use crate::store::{self, OptInRefused};
    use rand::Rng;
    let state = expect_context::<crate::state::AppState>();
    let Some(target) = crate::auth::tracking_link::resolve(&state.pool, &token).await.map_err(unavailable)? else {
        return Ok(SignupStep::Refused("This tracking link is no longer valid.".into()));
    };
    let (channel, address) = match contact_address(&address) {
        Ok(found) => found,
        Err(expected) => return Ok(SignupStep::Refused(format!("Please enter {expected}."))),
    };
    let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
    let outcome = store::request_opt_in(&state.pool, target.tenant, target.order, channel, &address, &code)
        .await
        .map_err(unavailable)?;
    state.outbox.notify_one();
    Ok(match outcome {
        Ok(()) => SignupStep::CodeSent(address),
        Err(OptInRefused::AlreadySubscribed) => SignupStep::Refused(format!("{address} already gets updates.")),
        Err(OptInRefused::TooManyCodes) => {
            SignupStep::Refused("We have sent several codes already; please try again in an hour.".into())
        }
    })
}

#[server(endpoint = "updates/confirm")]
pub async fn confirm_updates(token: String, address: String, code: String) -> Result<SignupStep, ServerFnError> {
    let state = expect_context::<crate::state::AppState>();
    let Some(target) = crate::auth::tracking_link::resolve(&state.pool, &token).await.map_err(unavailable)? else {
        return Ok(SignupStep::Refused("This tracking link is no longer valid.".into()));
    };
    let Ok((channel, address)) = crate::domain::notification_rules::contact_address(&address) else {
        return Ok(SignupStep::Refused("Please start again with your email address or phone number.".into()));
    };
    let confirmed = crate::store::confirm_opt_in(&state.pool, target.order, channel, &address, code.trim())
        .await
        .map_err(unavailable)?;
    Ok(if confirmed {
        SignupStep::Confirmed
    } else {
        SignupStep::Refused("That code is not right (or has expired). Check it, or ask for a new one.".into())
    })
}

#[cfg(feature = "ssr")]
fn unavailable(e: crate::store::StoreError) -> ServerFnError {
    tracing::error!(error = %e, "signing up for updates failed");
    ServerFnError::new("Updates are temporarily unavailable.")
}

/// `offer` is what the buyer would hear about, as a "when ..." clause that
/// fits where the order is ("when your order arrives" once it is on the van).
#[component]
pub fn UpdatesSignup(token: String, offer: String) -> impl IntoView {
    let request = ServerAction::<RequestUpdates>::new();
    let confirm = ServerAction::<ConfirmUpdates>::new();
    let step = move || match (confirm.value().get(), request.value().get()) {
        (Some(Ok(SignupStep::Confirmed)), _) => Some(SignupStep::Confirmed),
        (_, Some(Ok(step))) => Some(step),
        (_, Some(Err(_))) => Some(SignupStep::Refused("Updates are temporarily unavailable.".into())),
        _ => None,
    };
    let confirm_error = move || match confirm.value().get() {
        Some(Ok(SignupStep::Refused(message))) => Some(message),
        Some(Err(_)) => Some("Updates are temporarily unavailable.".to_string()),
        _ => None,
    };
    let input = "mt-1 w-full rounded border border-slate-300 px-3 py-2";
    let button = "mt-3 rounded bg-[var(--brand)] px-4 py-2 font-medium text-[var(--brand-text)]";
    let code_token = token.clone();
    let confirmed_offer = offer.clone();
    view! {
        <section aria-labelledby="updates-heading" class="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200" data-testid="updates">
            <h2 id="updates-heading" class="text-lg font-semibold">"Get updates"</h2>
            {move || match step() {
                Some(SignupStep::Confirmed) => { let offer = confirmed_offer.clone(); view! {
                    <p class="mt-2 text-slate-700" role="status">"You're set: we'll tell you " {offer} "."</p>
                }.into_any() }
                Some(SignupStep::CodeSent(address)) => { let token = code_token.clone(); view! {
                    <ActionForm action=confirm>
                        <p class="mt-2 text-slate-700" role="status">"We sent a code to " {address.clone()} "."</p>
                        <input type="hidden" name="token" value=token/>
                        <input type="hidden" name="address" value=address/>
                        <label class="mt-3 block text-sm font-medium" for="updates-code">"Code"</label>
                        <input id="updates-code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required class=input/>
                        {move || confirm_error().map(|m| view! { <p class="mt-2 text-sm text-red-700" role="alert">{m}</p> })}
                        <button type="submit" class=button>"Confirm"</button>
                    </ActionForm>
                }.into_any() }
                other => { let token = token.clone(); let offer = offer.clone(); view! {
                    <ActionForm action=request>
                        <p class="mt-2 text-sm text-slate-700">"We'll email or text you " {offer} ", and at once if something goes wrong."</p>
                        <input type="hidden" name="token" value=token/>
                        <label class="mt-3 block text-sm font-medium" for="updates-address">"Email or mobile number (with +country code)"</label>
                        <input id="updates-address" name="address" autocomplete="email" required class=input/>
                        {match other { Some(SignupStep::Refused(m)) => Some(view! { <p class="mt-2 text-sm text-red-700" role="alert">{m}</p> }), _ => None }}
                        <button type="submit" class=button>"Send me a code"</button>
                    </ActionForm>
                }.into_any() }
            }}
        </section>
    }
}
