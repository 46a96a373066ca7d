//! Who received the delivery, when, and their signature: shown on the
//! tracking page as soon as the driver uploads it.

use crate::present::tracking_view::{PageTexts, PodView};
use leptos::prelude::*;

#[component]
pub fn ProofOfDelivery(pods: Vec<PodView>, token: String, texts: PageTexts) -> impl IntoView {
    (!pods.is_empty()).then(|| {
        let several = pods.len() > 1;
        view! {
            <section aria-labelledby="pod-heading" data-testid="pod" class="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
                <h2 id="pod-heading" class="text-lg font-semibold">{texts.pod_heading.clone()}</h2>
                <ul class="mt-3 space-y-4">
                    {pods.into_iter().map(|pod| {
                        let image = |sha: &str| format!("/t/{token}/pod/{sha}");
                        let signature = pod.signature.as_deref().map(image);
                        let photos: Vec<(String, String)> = pod.photos.iter().map(|p| (image(&p.sha256), p.alt.clone())).collect();
                        let alt = pod.signature_alt.clone();
                        view! {
                            <li class="flex flex-wrap items-start gap-4">
                                <div class="min-w-40">
                                    {several.then(|| view! { <p class="text-sm font-medium text-slate-600">{pod.shipment.clone()}</p> })}
                                    <p class="text-slate-900">{texts.pod_received_by.clone()} " " <strong data-testid="pod-receiver">{pod.receiver_name.clone()}</strong></p>
                                    <p class="text-sm text-slate-600">{pod.when.clone()}</p>
                                    <a href=format!("/t/{token}/pod-pdf/{}?lang={}", pod.shipment_id, texts.lang)
                                       data-testid="pod-pdf" download
                                       class="mt-1 inline-block text-sm font-medium text-[var(--brand)] underline">
                                        {texts.pod_download.clone()}
                                    </a>
                                </div>
                                {signature.map(|src| view! {
                                    <img src=src alt=alt data-testid="pod-signature" width="160" height="80"
                                         class="h-20 w-40 rounded border border-slate-200 bg-white object-contain"/>
                                })}
                                {photos.into_iter().map(|(src, alt)| {
                                    let href = src.clone();
                                    view! {
                                    <a href=href class="block" target="_blank" rel="noopener">
                                        <img src=src alt=alt width="80" height="80"
                                             class="h-20 w-20 rounded object-cover"/>
                                    </a>
                                    }
                                }).collect_view()}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}
