//! Where an op sits in a training step, read from JAX's name stack (present in locations with
//! `lower(...).as_text(debug_info=True)`, which `scalify.jit` always uses):
//! `jit(step)/jvp(...)/...` is the forward pass, `jit(step)/transpose(jvp(...))/...` the backward
//! pass, and an op outside any `jvp` in a function that has them is the optimizer's update.
//! Without name stacks every op is `Unknown` and takes the policy's plain `data-type`.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// `jvp(...)`: activations and everything else the loss computes.
    Forward,
    /// `transpose(jvp(...))`: gradients.
    Backward,
    /// Outside autodiff in a function with an autodiff region: the optimizer's update of parameters
    /// and state.
    Optimizer,
    /// No name stack.
    Unknown,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Forward => "forward",
            Role::Backward => "backward",
            Role::Optimizer => "optimizer",
            Role::Unknown => "unknown",
        }
    }

    /// The role of an op whose printed location is `location`; `has_autodiff` says whether its
    /// function has any `jvp` name stack (else "outside jvp" means nothing).
    pub fn of_location(location: &str, has_autodiff: bool) -> Role {
        if location.contains("transpose(") {
            Role::Backward
        } else if location.contains("jvp(") {
            Role::Forward
        } else if has_autodiff {
            Role::Optimizer
        } else {
            Role::Unknown
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn name_stacks_give_roles() {
        let forward = r#"loc("jit(train_step)/jvp()/dot_general"(#loc3))"#;
        let backward = r#"loc("jit(train_step)/transpose(jvp())/dot_general"(#loc3))"#;
        let update = r#"loc("jit(train_step)/sqrt"(#loc9))"#;
        assert_eq!(Role::of_location(forward, true), Role::Forward);
        assert_eq!(Role::of_location(backward, true), Role::Backward);
        assert_eq!(Role::of_location(update, true), Role::Optimizer);
        assert_eq!(Role::of_location("loc(unknown)", false), Role::Unknown);
    }
}
