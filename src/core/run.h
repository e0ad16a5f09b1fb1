/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_CORE_RUN_H
#define VIGIL_CORE_RUN_H

/*
 * What every layer may know of an assessment run: its id, a string of
 * at most RUN_ID_MAX - 1 bytes.  Runs themselves live in
 * findings/assess.h; rules reach the current one through the engine.
 */
#define RUN_ID_MAX 40

#endif
