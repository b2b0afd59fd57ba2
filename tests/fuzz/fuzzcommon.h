/* gst-ice
 * Copyright (C) 2026 The gst-ice authors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Library General Public License for more details.
 *
 * You should have received a copy of the GNU Library General Public
 * License along with this library; if not, write to the
 * Free Software Foundation, Inc., 51 Franklin St, Fifth Floor,
 * Boston, MA 02110-1301, USA.
 */


/* What the libFuzzer targets share (tests/fuzz/README.md says what each
 * target checks). */

#pragma once

#include <stdint.h>
#include <stdlib.h>

#include <gst/gst.h>

G_BEGIN_DECLS

/* libFuzzer's entry points, which every target defines */
int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

/* Aborts (a crash libFuzzer keeps the input of) when @condition is
 * false: what a target checks beyond "no crash". */
#define FUZZ_CHECK(condition) G_STMT_START {                            \
    if (G_UNLIKELY (!(condition)))                                      \
      fuzz_failed (__FILE__, __LINE__, #condition);                     \
  } G_STMT_END

void fuzz_init (void);
void fuzz_failed (const gchar * file, gint line, const gchar * what)
    G_GNUC_NORETURN;
gchar *fuzz_text (const uint8_t * data, size_t size);
void fuzz_check_shown_text (const gchar * text);
GPtrArray *fuzz_split_lines (const uint8_t * data, size_t size);

G_END_DECLS
