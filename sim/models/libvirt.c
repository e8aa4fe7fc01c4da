/*
 * Management actions of a script, performed as libvirt performs them
 * (src/qemu/qemu_hotplug.c, qemu_driver.c): each `do` line is one QMP
 * command to the machine's QEMU, traced with QEMU's reply.
 */
#include <stdio.h>
#include "script.h"
#include "spapr.h"

bool libvirt_do_supported(uint8_t action)
{
    return action == DO_DEVICE_ADD || action == DO_DEVICE_DEL || action == DO_SYSTEM_RESET;
}

static void trace_device_args(const struct sim *s, const struct scn_line *l, struct trace *tr)
{
    static const char *const drivers[DEV_TYPE_COUNT] = { "cpu", "dimm", "phb", "pci" };
    const struct scn_device *d = &s->scn->devices[l->device];

    if (l->action == DO_DEVICE_ADD)
        trace_arg_str(tr, "driver", drivers[d->type]);
    trace_arg_str(tr, "id", d->id);
    if (l->action != DO_DEVICE_ADD)
        return;
    if (d->type == DEV_CPU_CORE)
        trace_arg_int(tr, "core-id", d->core_id);
    else if (d->type == DEV_DIMM)
        trace_arg_int(tr, "size-mb", d->size_mb);
    else if (d->type == DEV_PHB)
        trace_arg_int(tr, "index", d->index);
    else
        trace_arg_int(tr, "slot", d->slot);
}

void libvirt_do(const struct sim *s, struct world *w, const struct scn_line *l, struct trace *tr,
                uint32_t step_no, uint64_t t_ms)
{
    char err[256] = "";
    bool ok = true;

    if (tr) {
        trace_step_begin(tr, step_no, t_ms, "libvirt", do_action_name(l->action));
        trace_arg_str(tr, "machine", sim_machine_name(s, l->machine));
        if (s->scn->nscripts > 1)
            trace_arg_str(tr, "script", s->scn->script_names[l->script]);
        if (l->action != DO_SYSTEM_RESET)
            trace_device_args(s, l, tr);
    }
    switch (l->action) {
    case DO_DEVICE_ADD:
        ok = qmp_device_add(s, w, l->machine, l->device, tr, err, sizeof(err));
        break;
    case DO_DEVICE_DEL:
        ok = qmp_device_del(s, w, l->machine, l->device, tr, err, sizeof(err));
        break;
    case DO_SYSTEM_RESET:
        qmp_system_reset(s, w, l->machine, tr);
        break;
    default:
        break;
    }
    if (!tr)
        return;
    if (ok)
        trace_result_str(tr, "return", "{}");
    else
        trace_result_str(tr, "error", err);
    trace_step_end(tr);
}
