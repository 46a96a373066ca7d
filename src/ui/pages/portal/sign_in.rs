//! Signing in: password, or a one-time link by email; and the page a
//! one-time link (or an invitation) opens.

use crate::ui::components::page_title::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

fn problem_text(code: &str) -> &'static str {
    match code {
        "invalid" => "That email address and password do not match.",
        "locked" => "Too many failed attempts. Wait 15 minutes, or ask for a sign-in link by email.",
        "expired" => "Your session has ended. Please sign in again.",
        "link" => "That sign-in link has expired or was already used. Ask for a new one.",
        _ => "Please sign in.",
    }
}

fn notice_text(code: &str) -> &'static str {
    match code {
        "link-sent" => {
            "If that address has an account, we have emailed it a sign-in link (one per company). It works once, for 15 minutes."
        }
        "signed-out" => "You are signed out.",
        _ => "",
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |key: &str| query.with_untracked(|q| q.get(key)).unwrap_or_default();
    let tenant = get("tenant");
    let email = get("email");
    let next = get("next");
    let problem = Some(get("error")).filter(|e| !e.is_empty()).map(|e| problem_text(&e));
    let notice = Some(notice_text(&get("notice"))).filter(|n| !n.is_empty());
    let input = "mt-1 block w-full rounded border border-slate-300 px-3 py-2";
    view! {
        <PageTitle text="Sign in · Milepost"/>
        <main class="mx-auto max-w-md space-y-6 px-4 py-12">
            <h1 class="text-2xl font-semibold">"Sign in to order tracking"</h1>
            {problem.map(|p| view! { <p role="alert" data-testid="sign-in-error" class="rounded border border-red-300 bg-red-50 px-3 py-2 text-red-900">{p}</p> })}
            {notice.map(|n| view! { <p role="status" data-testid="sign-in-notice" class="rounded border border-emerald-300 bg-emerald-50 px-3 py-2 text-emerald-900">{n}</p> })}
            <form method="post" action="/login" class="space-y-4 rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
                <input type="hidden" name="next" value=next/>
                <label class="block">"Company code"
                    <input class=input name="tenant" required value=tenant.clone() autocomplete="organization" aria-describedby="company-code-help"/>
                </label>
                <p id="company-code-help" class="-mt-2 text-sm text-slate-600">
                    "The short name of the company whose portal this is, as written in your invitation (for example "
                    <code>"northwind"</code>"). Not sure? Ask for a link by email below: it finds your companies for you."
                </p>
                <label class="block">"Email"
                    <input class=input type="email" name="email" required autocomplete="username" value=email.clone()/>
                </label>
                <label class="block">"Password"
                    <input class=input type="password" name="password" required autocomplete="current-password"/>
                </label>
                <button class="w-full rounded bg-slate-900 px-4 py-2 font-medium text-white">"Sign in"</button>
            </form>
            <form method="post" action="/login/link" class="space-y-3 rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
                <h2 class="font-semibold">"No password? Get a sign-in link by email"</h2>
                <label class="block">"Email"
                    <input class=input type="email" name="email" required autocomplete="username" value=email/>
                </label>
                <label class="block">"Company code " <span class="text-slate-600">"(optional)"</span>
                    <input class=input name="tenant" value=tenant autocomplete="organization"/>
                </label>
                <p class="text-sm text-slate-600">"Without a code, every company you work with sends you its own link."</p>
                <button class="rounded border border-slate-300 px-4 py-2">"Email me a link"</button>
            </form>
        </main>
    }
}

/// Whose the link is and whether it is an invitation.
#[server(prefix = "/portal/fn", endpoint = "sign-in-link")]
pub async fn sign_in_link(token: String) -> Result<Option<(String, bool)>, ServerFnError> {
    let state = expect_context::<crate::state::AppState>();
    crate::portal::pages::sign_in_link(&state, &token).await.map_err(|e| {
        tracing::error!(error = %e, "reading a sign-in link failed");
        ServerFnError::new("The portal is temporarily unavailable.")
    })
}

#[component]
pub fn SignInLinkPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let link = Resource::new(token, sign_in_link);
    let query = use_query_map();
    let error = move || query.read().get("error");
    view! {
        <PageTitle text="Sign in · Milepost"/>
        <main class="mx-auto max-w-md space-y-6 px-4 py-12">
            <Suspense fallback=|| view! { <p>"Checking your link…"</p> }>
                {move || Suspend::new(async move {
                    let action = format!("/login/link/{}", token());
                    match link.await {
                        Ok(Some((name, true))) => view! {
                            <h1 class="text-2xl font-semibold">{format!("Welcome, {name}")}</h1>
                            {error().map(|e| view! { <p role="alert" class="rounded border border-red-300 bg-red-50 px-3 py-2 text-red-900">{e}</p> })}
                            <form method="post" action=action class="space-y-4 rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
                                <label class="block">"Choose a password (at least 12 characters)"
                                    <input class="mt-1 block w-full rounded border border-slate-300 px-3 py-2" type="password" name="password" minlength="12" required autocomplete="new-password"/>
                                </label>
                                <button class="w-full rounded bg-slate-900 px-4 py-2 font-medium text-white">"Set password and sign in"</button>
                            </form>
                        }.into_any(),
                        Ok(Some((name, false))) => view! {
                            <h1 class="text-2xl font-semibold">{format!("Sign in as {name}?")}</h1>
                            <form method="post" action=action>
                                <button class="mt-4 w-full rounded bg-slate-900 px-4 py-2 font-medium text-white">"Sign in"</button>
                            </form>
                        }.into_any(),
                        Ok(None) => view! {
                            <h1 class="text-2xl font-semibold">"This link no longer works"</h1>
                            <p class="text-slate-700">"It has expired or was already used. "
                                <a class="underline" href="/login" rel="external">"Ask for a new one."</a></p>
                        }.into_any(),
                        Err(_) => view! { <p>"We couldn't check your link just now. Please try again in a minute."</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}
