# Sourced from the source tree's top (tests/cli/common.sh, scripts/bench.sh): the race
# catalogue, scenarios/ less the scaling family (parallel-cores-K, parallel-dimms-K), which
# past four clients takes minutes to search unreduced and is run by K where it is wanted.
catalogue=$(ls scenarios/*.scn | grep -v -E '/parallel-(cores|dimms)-[0-9]+\.scn$')
