//! Product views as templates read them: minijinja objects over the Rust views (issue #14), which
//! must read exactly like the serialized copies they replace.

use crate::common::example;
use minijinja::context;
use minijinja::value::Value;
use minijinja::Environment;
use minisite::documents::product_memos;
use minisite::view_objects::product_value;

/// Every field of every product view of the example shop, in every language, reads as in the
/// view's serialized copy, in the same order, nested parts included (`|tojson`, `{% for %}` and
/// lookups see what the copy showed them); `photo` is the first of `photos`, after `featured`.
#[test]
fn product_objects_read_like_their_serialized_views() {
    let dir = example();
    let site = minisite::Site::load(dir.path(), &Default::default()).unwrap();
    let made_once = ["photo", "unit_forms_json", "price_tiers_json"];
    let mut seen = 0;
    for lang in site.languages() {
        for memo in product_memos(lang, |_| None) {
            let view = product_value(&memo.view);
            let keys: Vec<String> = view.try_iter().unwrap().map(|k| k.to_string()).collect();
            let featured = keys.iter().position(|k| k == "featured").unwrap();
            assert_eq!(keys[featured + 1], "photo", "{keys:?}");
            let photo = view.get_attr("photo").unwrap();
            let first = view.get_attr("photos").unwrap().get_item_by_index(0).unwrap();
            assert_eq!(json(&photo), json(&first));
            // The object's fields but those made for templates, as JSON in the object's order.
            let fields: Vec<String> = keys
                .iter()
                .filter(|k| !made_once.contains(&k.as_str()))
                .map(|k| {
                    format!(
                        "{}:{}",
                        json(&Value::from(k.as_str())),
                        json(&view.get_attr(k).unwrap())
                    )
                })
                .collect();
            let read = format!("{{{}}}", fields.join(","));
            let copied = json(&Value::from_serialize(&*memo.view));
            assert_eq!(read, copied, "{} in {}", memo.view.sku, lang.lang.code);
            seen += 1;
        }
    }
    assert!(seen > 20, "{seen} views");
}

fn json(v: &Value) -> String {
    serde_json::to_string(v).unwrap()
}

/// The JSON a card's "add to inquiry" button carries, made once per view, is what `|tojson`
/// writes of the same fields, byte for byte.
#[test]
fn a_views_ready_json_is_what_tojson_writes() {
    let dir = example();
    let site = minisite::Site::load(dir.path(), &Default::default()).unwrap();
    let env = Environment::new();
    let render = |tmpl: &str, p: &Value| env.render_str(tmpl, context! { p }).unwrap();
    for lang in site.languages() {
        for memo in product_memos(lang, |_| None) {
            let p = product_value(&memo.view);
            let sku = &memo.view.sku;
            let tiers = render("{{ p.price_tiers|tojson }}", &p);
            assert!(tiers.starts_with("[{"), "{sku}: {tiers}");
            assert_eq!(render("{{ p.price_tiers_json }}", &p), tiers, "{sku}");
            let units = render("{{ p.unit_forms|tojson }}", &p);
            assert_eq!(render("{{ p.unit_forms_json }}", &p), units, "{sku}");
        }
    }
}
