//! TEMPORARY placeholder until the units branch lands (replaced on merge).
use crate::Lang;
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Qualifier {
    Nearly,
    About,
    Over,
}

#[derive(Debug, Clone)]
pub struct Unit {
    zh: String,
}
impl Unit {
    pub fn zh(&self) -> &str {
        &self.zh
    }
}

#[derive(Debug, Clone)]
pub struct UnitCatalog {
    units: Vec<Unit>,
}
impl UnitCatalog {
    pub fn builtin() -> Self {
        let units = ["元", "万元", "亿元", "万平方米", "平方米", "平方公里", "个", "条", "台", "人", "%", "家", "吨", "万吨", "兆瓦", "分钟", "天", "月"]
            .iter()
            .map(|s| Unit { zh: s.to_string() })
            .collect();
        UnitCatalog { units }
    }
    pub fn lookup(&self, zh: &str) -> Option<&Unit> {
        self.units.iter().find(|u| u.zh == zh)
    }
    pub fn known_units(&self) -> Vec<&str> {
        self.units.iter().map(|u| u.zh.as_str()).collect()
    }
}

pub fn format_value(value: f64, unit: &Unit, _q: Option<Qualifier>, _lang: Lang) -> String {
    format!("{value} {}", unit.zh)
}
