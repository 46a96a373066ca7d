//! The last mile on the tracking page: arrival window and stops ahead as
//! text (rendered on the server, useful without wasm), and a Leaflet map
//! with the vehicle, its trail and the address, moved as fixes arrive.

use crate::present::tracking_view::LastMileView;
use leptos::prelude::*;

#[component]
/// `texts`: the section's heading and the map's label, in the page's language.
pub fn LiveMap(last_mile: Signal<Option<LastMileView>>, texts: Signal<(String, String)>) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let map = std::rc::Rc::new(std::cell::RefCell::new(None::<browser::MapLayers>));
        Effect::new(move |_| {
            if let Some(view) = last_mile.get() {
                browser::show(&mut map.borrow_mut(), &view);
            }
        });
    }
    // The section is built once when the van first reports and then only
    // its texts and data attributes change: Leaflet owns the map element
    // (and its classes) from then on.
    let shown = Memo::new(move |_| last_mile.with(Option::is_some));
    let text = move |pick: fn(&LastMileView) -> Option<String>| move || last_mile.with(|lm| lm.as_ref().and_then(pick));
    move || {
        shown.get().then(|| {
            view! {
                <section aria-labelledby="last-mile-heading" class="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
                    <h2 id="last-mile-heading" class="text-lg font-semibold">{move || texts.with(|t| t.0.clone())}</h2>
                    <p data-testid="eta" class="mt-1 text-xl font-semibold text-[var(--brand)]">{text(|lm| lm.eta.clone())}</p>
                    <p class="mt-1 text-sm text-slate-700">
                        {text(|lm| Some(lm.stops_text.clone()))} " · "
                        <span data-testid="position-updated">{text(|lm| Some(lm.updated.clone()))}</span>
                    </p>
                    // Where things are, for scripts and tests (the map itself is tiles and SVG).
                    <div id="live-map" data-testid="live-map" role="img"
                         aria-label=move || texts.with(|t| t.1.clone())
                         data-vehicle=text(|lm| Some(format!("{},{}", lm.vehicle[0], lm.vehicle[1])))
                         data-destination=text(|lm| lm.destination.map(|[lat, lng]| format!("{lat},{lng}")))
                         class="mt-3 h-72 w-full overflow-hidden rounded-lg bg-slate-100"></div>
                </section>
            }
        })
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use crate::present::tracking_view::LastMileView;
    use js_sys::Array;
    use leaflet::{
        LatLng, LatLngBounds, Map, MapOptions, Marker, MarkerOptions, Polyline, TileLayer, TileLayerOptions,
    };

    /// The map and what moves on it, kept between updates.
    pub struct MapLayers {
        vehicle: Marker,
        trail: Polyline,
    }

    fn point([lat, lng]: [f64; 2]) -> LatLng {
        LatLng::new(lat, lng)
    }

    fn marker(at: [f64; 2], title: &str) -> Marker {
        let options = MarkerOptions::new();
        options.set_title(title.to_string());
        options.set_alt(title.to_string());
        Marker::new_with_options(&point(at), &options)
    }

    fn trail_points(view: &LastMileView) -> Array {
        view.trail.iter().map(|p| point(*p)).collect()
    }

    /// Draws the map the first time (once Leaflet and the element exist),
    /// then only moves the vehicle and extends its trail.
    pub fn show(layers: &mut Option<MapLayers>, view: &LastMileView) {
        if let Some(existing) = layers {
            existing.vehicle.set_lat_lng(&point(view.vehicle));
            existing.trail.set_lat_lngs(&trail_points(view));
            return;
        }
        let Ok(map) = Map::new("live-map", &MapOptions::new()) else { return };
        if let Some(url) = &view.tiles {
            let options = TileLayerOptions::new();
            options.set_attribution(view.attribution.clone());
            TileLayer::new_options(url, &options).add_to(&map);
        }
        let trail = Polyline::new(&trail_points(view));
        trail.add_to(&map);
        let vehicle = marker(view.vehicle, "Delivery vehicle");
        vehicle.add_to(&map);
        match view.destination {
            Some(destination) => {
                marker(destination, "Delivery address").add_to(&map);
                map.fit_bounds(&LatLngBounds::new(&point(view.vehicle), &point(destination)));
            }
            None => {
                map.set_view(&point(view.vehicle), 14.0);
            }
        }
        *layers = Some(MapLayers { vehicle, trail });
    }
}
