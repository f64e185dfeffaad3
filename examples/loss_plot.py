"""The examples' loss-curve figure: one line per run, written as a PNG (matplotlib, no display)."""


def save_loss_plot(curves, path, log_scale=False, floor=None, floor_label=None):
    """`curves`: {run: losses}. `floor`: a horizontal reference line (the data's best loss)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for run, losses in curves.items():
        ax.plot(losses, label=run)
    if floor is not None:
        ax.axhline(floor, color="gray", linestyle=":", label=floor_label)
    ax.set_xlabel("step")
    ax.set_ylabel("train loss")
    if log_scale:
        ax.set_yscale("log")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
