"""What people run today without scalify: automatic mixed precision, written out as a jax step.

f32 master parameters and optimizer state; the forward and backward pass on a bf16 or f16 copy of the
parameters; the gradients back in f32 for the optimizer. For f16, dynamic loss scaling, the standard
recipe (PyTorch's GradScaler, NVIDIA apex, DeepMind's jmp): the loss is multiplied by a scale that starts
at 2^15; a step whose gradients are not finite is skipped and halves the scale; every `growth_interval`
good steps in a row double it.
"""

import jax
import jax.numpy as jnp

INITIAL_LOSS_SCALE = 2.0**15
GROWTH_INTERVAL = 2000


def initial_loss_scaling():
    """(scale, good steps in a row): the state dynamic loss scaling carries between steps."""
    return jnp.float32(INITIAL_LOSS_SCALE), jnp.int32(0)


def _cast(tree, dtype):
    return jax.tree_util.tree_map(lambda x: x.astype(dtype) if jnp.issubdtype(x.dtype, jnp.floating) else x, tree)


def mixed_precision_step(loss_fn, update, compute_dtype, loss_scaling, growth_interval=GROWTH_INTERVAL):
    """A jitted `step(params, opt_state, scaling, *batch) -> (params, opt_state, scaling, loss, skipped)`.

    `loss_fn(params, *batch)` is the model's scalar loss, `update(params, grads, opt_state)` the
    optimizer, both in f32. Without `loss_scaling` the scale stays 1 and no step is skipped (bf16).
    """

    def step(params, opt_state, scaling, *batch):
        scale, good_steps = scaling
        if not loss_scaling:
            scale = jnp.float32(1.0)

        def scaled_loss(low_precision_params):
            loss = loss_fn(low_precision_params, *batch).astype(jnp.float32)
            return loss * scale, loss

        grads, loss = jax.grad(scaled_loss, has_aux=True)(_cast(params, compute_dtype))
        grads = jax.tree_util.tree_map(lambda g: g.astype(jnp.float32) / scale, grads)
        new_params, new_state = update(params, grads, opt_state)
        if not loss_scaling:
            return new_params, new_state, scaling, loss, jnp.bool_(False)
        finite = jnp.all(jnp.stack([jnp.all(jnp.isfinite(g)) for g in jax.tree_util.tree_leaves(grads)]))
        keep_if_finite = lambda new, old: jnp.where(finite, new, old)
        params = jax.tree_util.tree_map(keep_if_finite, new_params, params)
        opt_state = jax.tree_util.tree_map(keep_if_finite, new_state, opt_state)
        good_steps = jnp.where(finite, good_steps + 1, 0)
        grow = good_steps >= growth_interval
        scale = jnp.where(finite, jnp.where(grow, scale * 2, scale), scale / 2)
        good_steps = jnp.where(grow, 0, good_steps)
        return params, opt_state, (scale, good_steps), loss, ~finite

    return jax.jit(step)
