/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_PAYLOAD_H
#define VIGIL_SOURCES_PAYLOAD_H

#include "core/module.h"

/*
 * The payload stage: EV_FLOW in, EV_FLOW_PAYLOAD out, each flow with
 * what its first packets said (enum flow_payload).
 */
extern const struct vigil_module payload_module;

#endif
