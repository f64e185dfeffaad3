use scalify_runtime::plugins::{PluginChoice, locate};
use scalify_runtime::{Client, Plugin};

pub fn cpu_client() -> Client {
    let plugin = Plugin::load(&locate(&PluginChoice::Cpu).unwrap()).unwrap();
    Client::new(plugin).unwrap()
}
