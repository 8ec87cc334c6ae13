# SPDX-License-Identifier: GPL-2.0-only
# make bench's pause figure: |CLOCK_REALTIME - truth| around a VM pause,
# one line per contender. analyze.py sets: outfile, dir, names (blank-
# separated contender names; their data in dir/pause-NAME.dat: seconds
# since the resume (the pause itself is a gap: samples before it sit at
# minus the pause and earlier), |offset| in ns), cap (s), title_extra.
set terminal pngcairo noenhanced size 900,500 font ",10"
set output outfile
set logscale y
set format y "1e%L"
set xlabel "seconds since the resume (QEMU's RESUME event, L1 time)"
set ylabel "|CLOCK_REALTIME - L1 time| (ns)"
set title "VM pause (QMP stop/cont) in nested KVM: ".title_extra
set grid
set key top right
set yrange [1:2e10]
set xrange [-8:cap]
set arrow from graph 0, first 1e6 to graph 1, first 1e6 nohead dt 2 lc rgb "gray40"
set label "1 ms" at graph 0.01, first 1.5e6 tc rgb "gray40"
plot for [n in names] dir."/pause-".n.".dat" using 1:2 with lines lw 1.5 title n
