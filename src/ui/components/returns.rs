//! Returns on the tracking page: each return's progress beside the
//! delivery, and the form to start one. The form is a plain multipart POST
//! (photos included), so it works before and without the wasm; see
//! `ui::pages::buyer_return`.

use crate::present::returns_view::{ReturnCard, ReturnOffer, ReturnsView};
use leptos::prelude::*;

#[component]
pub fn Returns(view: ReturnsView, token: String, lang: String, outcome: Option<String>) -> impl IntoView {
    let ReturnsView { heading, offer, returns, outcomes } = view;
    // `RMA-…` after a request was recorded, a refusal's code otherwise.
    let outcome = outcome.and_then(|code| match code.starts_with("RMA-") {
        true => outcomes.iter().find(|o| o.code == "sent").map(|o| (true, o.label.replace("%RMA%", &code))),
        false => outcomes.iter().find(|o| o.code == code).map(|o| (false, o.label.clone())),
    });
    view! {
        <section id="returns" aria-labelledby="returns-heading" data-testid="returns"
                 class="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
            <h2 id="returns-heading" class="text-lg font-semibold">{heading}</h2>
            {outcome.map(|(ok, message)| {
                let (role, colours) = if ok {
                    ("status", "border-emerald-300 bg-emerald-50 text-emerald-900")
                } else {
                    ("alert", "border-red-300 bg-red-50 text-red-900")
                };
                view! {
                    <p role=role data-testid="return-outcome" class=format!("mt-3 rounded-lg border px-3 py-2 text-sm {colours}")>{message}</p>
                }
            })}
            <ul class="mt-3 space-y-3">
                {returns.into_iter().map(|card| view! { <li><ReturnCardView card token=token.clone()/></li> }).collect_view()}
            </ul>
            {offer.map(|offer| view! { <ReturnForm offer token lang/> })}
        </section>
    }
}

#[component]
fn ReturnCardView(card: ReturnCard, token: String) -> impl IntoView {
    let label_url = format!("/t/{token}/returns/{}/label.pdf", card.rma);
    let rma = card.rma.clone();
    view! {
        <article data-testid="return" data-rma=rma class="rounded-lg border border-slate-200 p-4">
            <p class="text-sm text-slate-600"><span class="font-mono font-medium text-slate-900" data-testid="rma">{card.rma}</span> " · " {card.requested}</p>
            <h3 class="mt-1 text-base font-semibold" data-testid="return-headline">{card.headline}</h3>
            <p class="text-sm text-slate-700">{card.explanation}</p>
            {card.declined_because.map(|why| view! { <p class="mt-1 text-sm text-red-800">{why}</p> })}
            <ol class="mt-3 flex flex-wrap gap-x-3 gap-y-1 text-xs" aria-label="Return progress">
                {card.steps.into_iter().map(|step| {
                    let class = match (step.current, step.reached) {
                        (true, _) => "font-semibold text-[var(--brand)]",
                        (false, true) => "text-slate-900",
                        (false, false) => "text-slate-400",
                    };
                    let mark = if step.reached { "● " } else { "○ " };
                    view! {
                        <li class=class aria-current=step.current.then_some("step")>
                            <span aria-hidden="true">{mark}</span>{step.label}
                        </li>
                    }
                }).collect_view()}
            </ol>
            <ul class="mt-3 space-y-1 text-sm text-slate-800">
                {card.lines.into_iter().map(|line| view! { <li class="break-words">{line}</li> }).collect_view()}
            </ul>
            {card.tracking.into_iter().map(|line| view! { <p class="mt-1 text-sm text-slate-700 break-all">{line}</p> }).collect_view()}
            {card.settlement.map(|s| view! { <p class="mt-2 text-sm font-medium text-emerald-800" data-testid="return-settlement">{s}</p> })}
            {card.label.map(|text| view! {
                <p class="mt-3">
                    <a href=label_url rel="external" data-testid="return-label" download
                       class="inline-block rounded bg-[var(--brand)] px-3 py-2 text-sm font-medium text-[var(--brand-text)]">{text}</a>
                </p>
            })}
        </article>
    }
}

#[component]
fn ReturnForm(offer: ReturnOffer, token: String, lang: String) -> impl IntoView {
    let ReturnOffer { window, lines, reasons, resolutions, photo_note, texts } = offer;
    let action = format!("/t/{token}/returns");
    view! {
        <details class="mt-4" data-testid="return-offer">
            <summary class="cursor-pointer font-medium text-[var(--brand)]">{texts.start.clone()}</summary>
            <p class="mt-2 text-sm text-slate-700">{window}</p>
            {photo_note.map(|note| view! { <p class="mt-1 text-sm text-slate-600">{note}</p> })}
            <form method="post" action=action enctype="multipart/form-data" class="mt-3 space-y-4" data-testid="return-form">
                <input type="hidden" name="lang" value=lang/>
                {lines.into_iter().map(|line| {
                    let quantity = format!("quantity-{}", line.line_id);
                    let reason = format!("reason-{}", line.line_id);
                    let photo = format!("photo-{}", line.line_id);
                    view! {
                        <fieldset class="rounded-lg border border-slate-200 p-3" data-testid="return-line">
                            <legend class="px-1 text-sm font-medium break-words">{line.description} " · " <span class="font-mono text-xs">{line.sku}</span></legend>
                            <div class="grid gap-3 sm:grid-cols-3">
                                <label class="block text-sm">
                                    <span class="block text-slate-700">{texts.quantity.clone()} " (" {line.returnable} ")"</span>
                                    <input type="number" name=quantity.clone() min="0" max=line.max step=line.step value="0"
                                           inputmode="decimal" class="mt-1 w-full rounded border border-slate-300 px-2 py-1"/>
                                </label>
                                <label class="block text-sm">
                                    <span class="block text-slate-700">{texts.reason.clone()}</span>
                                    <select name=reason class="mt-1 w-full rounded border border-slate-300 px-2 py-1">
                                        {reasons.iter().map(|r| view! { <option value=r.code.clone()>{r.label.clone()}</option> }).collect_view()}
                                    </select>
                                </label>
                                <label class="block text-sm">
                                    <span class="block text-slate-700">{texts.photo.clone()}</span>
                                    <input type="file" name=photo accept="image/jpeg,image/png" class="mt-1 w-full text-sm"/>
                                </label>
                            </div>
                        </fieldset>
                    }
                }).collect_view()}
                <fieldset>
                    <legend class="text-sm font-medium">{texts.resolution.clone()}</legend>
                    {resolutions.into_iter().enumerate().map(|(i, r)| view! {
                        <label class="mt-1 flex items-center gap-2 text-sm">
                            <input type="radio" name="resolution" value=r.code checked=i == 0/>
                            {r.label}
                        </label>
                    }).collect_view()}
                </fieldset>
                <label class="block text-sm font-medium" for="return-comment">{texts.comment.clone()}</label>
                <textarea id="return-comment" name="comment" rows="2" maxlength="1000"
                          class="w-full rounded border border-slate-300 px-3 py-2"></textarea>
                <button type="submit" class="rounded bg-[var(--brand)] px-4 py-2 font-medium text-[var(--brand-text)]">{texts.submit.clone()}</button>
            </form>
        </details>
    }
}
