module rollout/app

go 1.26
